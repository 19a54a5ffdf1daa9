/**
 * A chart archive written out as a folder with only some of its templates: the others are left
 * out, so helm renders nothing for them. helm-runs.ts renders such a copy the second time a release is
 * rendered, when only the documents of a few templates can differ between two renders
 * (chart-randomness.ts): kube-prometheus-stack's second render then runs one Deployment's template
 * and the files defining named templates instead of all 261.
 *
 * What a left-out template would print is nothing the kept ones can read: helm v4.1 hands templates
 * the values, the chart's metadata and `.Files`, which holds no template (test/chart-randomness.test.ts);
 * named templates are kept with every file that defines one, and a file some template includes by
 * name is kept too.
 * Packed subcharts are unpacked into the folder under the name helm gives their templates.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chartFiles, chartPathOf } from './chart-lock';

/** The folder of the chart's top-level directory inside `into`, where helm is pointed. */
export async function writeReducedChart(archive: Buffer, keep: ReadonlySet<string>, into: string): Promise<string> {
  const files = await chartFiles(archive);
  for (const [path, bytes] of files) {
    if (chartPathOf(path).rest.startsWith('templates/') && !keep.has(path)) continue;
    const to = join(into, path);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, bytes);
  }
  const top = files.keys().next().value?.split('/')[0];
  if (top === undefined) throw new Error('the chart archive is empty');
  return join(into, top);
}
