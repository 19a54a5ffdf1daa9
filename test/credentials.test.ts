/** Scoped credentials: each consumer gets its own, no more than it needs (issue 19, item 4). */
import { describe, expect, it } from 'vitest';
import { allParameters } from '../config/contract';

const inputsOf = (app: string) => allParameters().filter((p) => p.app === app && p.spec.source.kind === 'input').map((p) => (p.spec.source as { variable: string }).variable).sort();

describe('git credentials', () => {
  it('read for Argo CD and Jenkins, write for the Image Updater only, each from its own SSM parameters', () => {
    expect(inputsOf('argocd').filter((v) => v.startsWith('git_'))).toEqual(['git_read_token', 'git_read_username']);
    expect(inputsOf('jenkins')).toEqual(['git_read_token', 'git_read_username']);
    expect(inputsOf('argocd-image-updater')).toEqual(['git_write_token', 'git_write_username']);
    const writers = allParameters().filter((p) => p.spec.source.kind === 'input' && (p.spec.source as { variable: string }).variable.startsWith('git_write_'));
    expect(new Set(writers.map((p) => p.app))).toEqual(new Set(['argocd-image-updater']));
  });
});
