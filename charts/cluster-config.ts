import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/types';
import { AddonChart } from './lib/addon-chart';

/**
 * Cluster-wide settings no chart owns: the default StorageClass (gp3, encrypted, bound where the
 * pod lands), and EKS's own gp2 class demoted from default so a claim without a class never has
 * two defaults to choose from. The seed did both from Terraform; here Argo CD owns them.
 */
export class ClusterConfig extends AddonChart {
  static readonly app = 'cluster-config';
  static readonly dependsOn = [] as const;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, { env, app: ClusterConfig.app });
    new k8s.KubeStorageClass(this, 'Gp3', {
      metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', fsType: 'ext4', encrypted: 'true' },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });
    // EKS creates gp2; this is a partial object applied server-side, so Argo CD owns only the
    // annotation (provisioner is required by the schema and equals EKS's). It never prunes or
    // deletes the class, which existing volumes may still use.
    new k8s.KubeStorageClass(this, 'Gp2', {
      metadata: {
        name: 'gp2',
        annotations: {
          'storageclass.kubernetes.io/is-default-class': 'false',
          'argocd.argoproj.io/sync-options': 'ServerSideApply=true,Prune=false,Delete=false',
        },
      },
      provisioner: 'kubernetes.io/aws-ebs',
    });
  }
}
