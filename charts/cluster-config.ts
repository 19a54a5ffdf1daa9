import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/types';
import { AddonChart } from './lib/addon-chart';

/**
 * Cluster-wide settings no chart owns: the default StorageClass (gp3, encrypted, bound where the
 * pod lands). The seed created it from Terraform; here Argo CD owns it like everything else.
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
  }
}
