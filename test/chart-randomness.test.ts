import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { create } from 'tar';
import { describe, expect, it } from 'vitest';
import { chartsDir } from '../config/paths';
import { readLock, readTgz, sha256 } from '../synth/chart-lock';
import { releaseRandomness, sourcePieces } from '../synth/chart-randomness';
import { runHelm } from '../synth/helm';
import { helmArgs } from '../synth/helm-runs';
import { writeReducedChart } from '../synth/reduced-chart';
import { templateBodies } from '../synth/template-actions';
import { helm, tempDir } from './helpers';

/** A vendored chart (imports/charts/) by name, at its locked version. */
function vendored(name: string): { path: string; sha256: string } {
  const entry = readLock(chartsDir).charts.find((c) => c.name === name)!;
  return { path: join(chartsDir, entry.file), sha256: entry.sha256 };
}

async function vendoredFile(chart: string, path: string): Promise<string> {
  return (await readTgz(readFileSync(vendored(chart).path))).get(path)!.toString('utf8');
}

function randomness(chart: { path: string; sha256: string }, values: unknown = {}) {
  return releaseRandomness(chart, () => readFileSync(chart.path), values);
}

/** A helm output made of one document per template file named. */
const output = (...sources: string[]) => sources.map((s) => `---\n# Source: ${s}\nkind: ConfigMap\n`).join('');

/** Packs files (templates, packed subcharts) into a chart archive `demo` in a temp dir. */
function packChart(templates: Record<string, string | Buffer>): { path: string; sha256: string } {
  const dir = tempDir('chart-');
  const files = { 'Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 1.0.0\n', 'values.yaml': '{}\n', ...templates };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'demo', name)), { recursive: true });
    writeFileSync(join(dir, 'demo', name), text);
  }
  const path = join(dir, 'demo-1.0.0.tgz');
  create({ gzip: true, file: path, cwd: dir, sync: true, portable: true }, ['demo']);
  return { path, sha256: sha256(readFileSync(path)) };
}

describe('template actions', () => {
  it('records per define the functions, named templates and files it calls (aws-load-balancer-controller)', async () => {
    const { file, defines } = templateBodies(await vendoredFile('aws-load-balancer-controller', 'aws-load-balancer-controller/templates/_helpers.tpl'));
    const certs = defines.get('aws-load-balancer-controller.webhookCerts')!;
    expect([...certs.functions]).toEqual(expect.arrayContaining(['genCA', 'genSignedCert', 'include']));
    expect([...certs.calls]).toEqual(expect.arrayContaining(['aws-load-balancer-controller.webhookService', 'aws-load-balancer-controller.fullname']));
    expect(defines.get('aws-load-balancer-controller.fullname')!.functions.has('genCA')).toBe(false);
    expect(file.functions.size).toBe(0);
  });

  it('records includes of template files by path (argo-cd) and of named templates (grafana)', async () => {
    const base = 'argo-cd/templates/';
    const { file } = templateBodies(await vendoredFile('argo-cd', `${base}argocd-server/deployment.yaml`), base);
    expect([...file.files].sort()).toEqual([`${base}argocd-configs/argocd-cm.yaml`, `${base}argocd-configs/argocd-cmd-params-cm.yaml`]);
    const grafana = templateBodies(await vendoredFile('kube-prometheus-stack', 'kube-prometheus-stack/charts/grafana/templates/deployment.yaml'));
    expect([...grafana.file.calls]).toContain('grafana.secretsData');
  });

  it('counts keys and values unless their list is only sorted or counted', async () => {
    const pod = templateBodies(await vendoredFile('kube-prometheus-stack', 'kube-prometheus-stack/charts/grafana/templates/_pod.tpl'));
    expect([...pod.defines.values()].some((d) => d.functions.has('keys'))).toBe(false);
    expect(templateBodies('{{ range keys .Values.x }}{{ . }}{{ end }}').file.functions.has('keys')).toBe(true);
    expect(templateBodies('{{ first (values .Values.x) }}').file.functions.has('values')).toBe(true);
    expect(templateBodies('{{ len (keys .Values.x) }} {{ values .Values.x | sortAlpha }}').file.functions.size).toBe(2);
  });

  it('skips comments and strings, and marks computed template names as dynamic', () => {
    const { file } = templateBodies('{{/* now */}}{{ "now" }}{{ include (printf "%s.x" .Chart.Name) . }}{{ `{{ now }}` }}');
    expect(file.functions.has('now')).toBe(false);
    expect(file.dynamic).toBe(true);
  });
});

describe('chart randomness', () => {
  it('finds the vendored templates that can call an unrepeatable function, through includes', async () => {
    const lbc = await randomness(vendored('aws-load-balancer-controller'));
    expect(lbc.unrepeatable(output('aws-load-balancer-controller/templates/webhook.yaml', 'aws-load-balancer-controller/templates/deployment.yaml'))).toEqual(['aws-load-balancer-controller/templates/webhook.yaml']);
    const prometheus = await randomness(vendored('kube-prometheus-stack'));
    const grafana = 'kube-prometheus-stack/charts/grafana/templates/';
    // deployment.yaml -> grafana.secretsData -> grafana.password -> randAlphaNum
    expect(prometheus.unrepeatable(output(`${grafana}deployment.yaml`, `${grafana}service.yaml`, 'kube-prometheus-stack/charts/crds/crds/crd-alertmanagers.yaml'))).toEqual([`${grafana}deployment.yaml`]);
    const argocd = await randomness(vendored('argo-cd'));
    expect(argocd.unrepeatable(output('argo-cd/templates/argocd-configs/argocd-secret.yaml', 'argo-cd/templates/argocd-configs/argocd-cm.yaml'))).toEqual(['argo-cd/templates/argocd-configs/argocd-secret.yaml']);
  });

  it('finds none in charts without such calls, and distrusts documents it cannot place', async () => {
    const dns = await randomness(vendored('external-dns'));
    expect(dns.unrepeatable(output('external-dns/templates/deployment.yaml', 'external-dns/templates/service.yaml'))).toEqual([]);
    expect(dns.unrepeatable(output('external-dns/templates/unknown.yaml'))).toEqual(['external-dns/templates/unknown.yaml']);
  });

  it('counts a template that calls tpl when a value holds an unrepeatable call', async () => {
    const dns = vendored('external-dns');
    expect((await randomness(dns, { extraArgs: ['--txt-owner-id={{ randAlphaNum 4 }}'] })).unrepeatable(output('external-dns/templates/deployment.yaml'))).toEqual(['external-dns/templates/deployment.yaml']);
    expect((await randomness(dns, { extraArgs: ['--txt-owner-id={{ .Release.Name }}'] })).unrepeatable(output('external-dns/templates/deployment.yaml'))).toEqual([]);
  });

  it('distrusts every document when a template that can call one also changes a shared dict', async () => {
    const leaky = packChart({
      'templates/_helpers.tpl': '{{- define "demo.token" -}}{{- $_ := set .Values "token" (randAlphaNum 8) -}}{{- end -}}',
      'templates/a.yaml': '{{- include "demo.token" . }}',
      'templates/b.yaml': 'token: {{ .Values.token }}',
    });
    expect((await randomness(leaky)).unrepeatable(output('demo/templates/b.yaml'))).toEqual(['demo/templates/b.yaml']);
    const contained = packChart({
      'templates/_helpers.tpl': '{{- define "demo.token" -}}{{ randAlphaNum 8 }}{{- end -}}',
      'templates/a.yaml': 'token: {{ include "demo.token" . }}',
      'templates/b.yaml': '{{- $d := dict }}{{- $_ := set $d "x" 1 }}x: {{ $d.x }}',
    });
    expect((await randomness(contained)).unrepeatable(output('demo/templates/a.yaml', 'demo/templates/b.yaml'))).toEqual(['demo/templates/a.yaml']);
  });
});

describe('the second render, of a reduced copy (synth/reduced-chart.ts)', () => {
  /** `helm template` of a chart (archive or folder) with values, as synth runs it for a release. */
  const template = (chart: string, values: unknown = {}) => {
    const file = join(tempDir('values-'), 'values.json');
    writeFileSync(file, JSON.stringify(values));
    return runHelm(helm(), helmArgs({ release: 'r', namespace: 'ns', includeCrds: true } as Parameters<typeof helmArgs>[0], chart, file));
  };
  const sources = (text: string) => [...text.matchAll(/^# Source: (.+)$/gm)].map((m) => m[1]!);

  it('prints the compared documents byte for byte as the whole chart does (kube-prometheus-stack, grafana from an existing Secret)', async () => {
    const chart = vendored('kube-prometheus-stack');
    const values = { grafana: { admin: { existingSecret: 'grafana-admin' } } };
    const whole = await template(chart.path, values);
    const r = await randomness(chart, values);
    const compared = new Set(r.unrepeatable(whole));
    expect([...compared]).toEqual(['kube-prometheus-stack/charts/grafana/templates/deployment.yaml']);
    const copy = await writeReducedChart(readFileSync(chart.path), r.needed([...compared]), tempDir('reduced-'));
    const reduced = await template(copy, values);
    expect(sourcePieces(reduced, compared)).toBe(sourcePieces(whole, compared));
    expect(sourcePieces(reduced, compared)).toContain('kind: Deployment');
    // Besides the CRDs (printed as they are), the copy prints a small part of what the chart prints.
    const templates = (text: string) => sources(text).filter((s) => !s.includes('/crds/'));
    expect(templates(reduced).length * 10).toBeLessThan(templates(whole).length);
  });

  it('keeps what a left-out template could give: .Files holds no template; named templates, included files and packed subcharts stay', async () => {
    const sub = tempDir('sub-');
    for (const [name, text] of Object.entries({ 'Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 1.0.0\n', 'templates/x.yaml': 'kind: X\nrandom: {{ randAlphaNum 0 | quote }}\n', 'templates/y.yaml': 'kind: Y\n' })) {
      mkdirSync(dirname(join(sub, 'sub', name)), { recursive: true });
      writeFileSync(join(sub, 'sub', name), text);
    }
    create({ gzip: true, file: join(sub, 'sub-1.0.0.tgz'), cwd: sub, sync: true, portable: true }, ['sub']);
    const chart = packChart({
      'templates/_helpers.tpl': '{{- define "demo.name" -}}named{{- end -}}',
      'templates/a.yaml': 'kind: A\nname: {{ include "demo.name" . }}\nb: {{ include (print $.Template.BasePath "/b.yaml") . | sha256sum }}\nfiles: {{ .Files.Get "templates/c.yaml" | quote }}\nglob: "{{ len (.Files.Glob "templates/*") }}"\nrandom: {{ randAlphaNum 0 | quote }}\n',
      'templates/b.yaml': 'kind: B\n',
      'templates/c.yaml': 'kind: C\n',
      'charts/sub-1.0.0.tgz': readFileSync(join(sub, 'sub-1.0.0.tgz')),
    });
    const whole = await template(chart.path);
    const r = await randomness(chart);
    const compared = new Set(r.unrepeatable(whole));
    expect([...compared].sort()).toEqual(['demo/charts/sub/templates/x.yaml', 'demo/templates/a.yaml']);
    const reduced = await template(await writeReducedChart(readFileSync(chart.path), r.needed([...compared]), tempDir('reduced-')), {});
    expect(sourcePieces(reduced, compared)).toBe(sourcePieces(whole, compared));
    expect(sourcePieces(whole, new Set(['demo/templates/a.yaml']))).toContain('files: ""\nglob: "0"');
    expect(sources(reduced).sort()).toEqual(['demo/charts/sub/templates/x.yaml', 'demo/templates/a.yaml', 'demo/templates/b.yaml']);
  });
});
