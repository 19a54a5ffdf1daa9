import { describe, expect, it } from 'vitest';
import { appOf, findObject, manifests, renderPlatform } from './rendered';

describe.each(['dev', 'prod'])('cluster-config (%s)', (env) => {
  it('makes gp3 the only default StorageClass', async () => {
    const app = appOf(await renderPlatform(), env, 'cluster-config');
    const defaults = manifests(app).filter((o) => o.kind === 'StorageClass' && o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    expect(defaults.map((o) => o.metadata.name)).toEqual(['gp3']);
    expect(findObject(app, 'StorageClass', 'gp3')).toMatchObject({ provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3', encrypted: 'true' }, volumeBindingMode: 'WaitForFirstConsumer' });
  });

  it('demotes EKS\'s gp2 with a partial server-side apply that never prunes or deletes it', async () => {
    const gp2 = findObject(appOf(await renderPlatform(), env, 'cluster-config'), 'StorageClass', 'gp2');
    expect(gp2.metadata.annotations).toEqual({
      'storageclass.kubernetes.io/is-default-class': 'false',
      'argocd.argoproj.io/sync-options': 'ServerSideApply=true,Prune=false,Delete=false',
    });
    // Only what EKS already has: no parameters, so the immutable fields are never touched.
    expect(Object.keys(gp2).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'provisioner']);
    expect(gp2.provisioner).toBe('kubernetes.io/aws-ebs');
  });
});
