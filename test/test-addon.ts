/** Test addons: one app's chart, filled by a function, in place of the project's addon for that app. */
import type { Construct } from 'constructs';
import { addons } from '../charts';
import { AddonChart, type AddonChartProps, type AddonClass } from '../charts/lib/addon-chart';
import type { AppName } from '../config/contract';
import type { EnvironmentConfig } from '../config/types';

/**
 * `base` (default: the project's addons) with the addon of `app` replaced by a chart that `build`
 * fills. It keeps the dependencies of the addon it replaces that are in `base`, so the convergence
 * model sees it in the same place.
 */
export function withAddon(app: AppName, build: (chart: AddonChart) => void, props: Omit<AddonChartProps, 'env' | 'app'> = {}, base: readonly AddonClass[] = addons): AddonClass[] {
  const present = new Set(base.map((a) => a.app));
  const dependsOn = (addons.find((a) => a.app === app)?.dependsOn ?? []).filter((d) => present.has(d));
  class TestAddon extends AddonChart {
    static readonly app = app;
    static readonly dependsOn = dependsOn;
    constructor(scope: Construct, env: EnvironmentConfig) {
      super(scope, { ...props, env, app });
      build(this);
    }
  }
  return [...base.filter((a) => a.app !== app), TestAddon];
}
