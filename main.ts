/**
 * Entry point of `npm run synth` and `npx cdk8s synth`: renders every environment (or those named
 * with `--env dev,prod`) into dist/. Bad flags: the problem and the usage line, exit 2. Bad input:
 * every problem, exit 1. Either way dist/ is untouched.
 */
import { environmentNames } from './config/environments';
import { cliArgs, nameList } from './scripts/args';
import { synthToDist } from './synth/synth-to-dist';

const usage = 'npm run synth -- [--env dev,prod] [--dist DIR]';
const args = cliArgs('synth', usage, { env: { type: 'string' }, dist: { type: 'string' } }, (flags) => ({
  ...(flags.env !== undefined ? { environments: nameList('env', flags.env, environmentNames, usage) } : {}),
  ...(flags.dist !== undefined ? { distDir: flags.dist } : {}),
}));

synthToDist({ ...args, log: (line) => console.error(line) })
  .then((summary) => console.error(summary))
  .catch((e: Error) => {
    console.error(`synth failed: ${e.message}`);
    process.exit(1);
  });
