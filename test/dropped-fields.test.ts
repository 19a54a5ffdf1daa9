import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { testApp } from './helpers';
import { k8s } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { SecretStore } from '../imports/external-secrets-secretstore-external-secrets.io';
import { restoreDroppedFields } from '../synth/dropped-fields';
import type { KubeObject } from '../synth/kube-object';

/** A chart with `build`'s objects, and what restoreDroppedFields makes of its toJson(). */
function check(build: (chart: Chart) => void): { restored: string[]; objects: KubeObject[] } {
  const chart = new Chart(testApp(), 'test');
  build(chart);
  const objects = chart.toJson() as KubeObject[];
  return { restored: restoreDroppedFields(chart, objects), objects };
}

describe('restoreDroppedFields', () => {
  it('finds nothing in typed props: int-or-string, quantities and renamed fields (projectID) included', () => {
    const { restored } = check((chart) => {
      new k8s.KubePodDisruptionBudget(chart, 'Pdb', { metadata: { name: 'a' }, spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { app: 'a' } } } });
      new k8s.KubeResourceQuota(chart, 'Q', { metadata: { name: 'q' }, spec: { hard: { cpu: k8s.Quantity.fromString('1') } } });
      new SecretStore(chart, 'Store', { metadata: { name: 's' }, spec: { provider: { gcpsm: { projectId: 'p' } } } });
      new ApiObject(chart, 'Plain', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } });
    });
    expect(restored).toEqual([]);
  });

  it('puts back a field passed through a cast, nested in lists too, and one added by a JSON patch', () => {
    const { restored, objects } = check((chart) => {
      const spec = { maxUnavailible: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { app: 'a' } } };
      new k8s.KubePodDisruptionBudget(chart, 'Pdb', { metadata: { name: 'a' }, spec: spec as unknown as k8s.PodDisruptionBudgetSpec });
      const container = { name: 'c', image: 'nginx:1', imagePullPolice: 'Always' } as unknown as k8s.Container;
      new k8s.KubePod(chart, 'Pod', { metadata: { name: 'p' }, spec: { containers: [container] } });
      const cm = new k8s.KubeConfigMap(chart, 'Cm', { metadata: { name: 'c' }, data: { k: 'v' } });
      cm.addJsonPatch(JsonPatch.add('/dataa', { x: 'y' }));
    });
    expect(restored.sort()).toEqual(['ConfigMap "c": dataa', 'Pod "p": spec.containers.0.imagePullPolice', 'PodDisruptionBudget "a": spec.maxUnavailible']);
    expect(objects.find((o) => o.kind === 'Pod')).toMatchObject({ spec: { containers: [{ imagePullPolice: 'Always' }] } });
  });
});
