import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { contract, roleArn, type AppName, type ServiceAccountName } from '../../config/contract';
import { AddonChart } from './addon-chart';

/** Props for {@link IrsaServiceAccount}. */
export interface IrsaServiceAccountProps<A extends AppName> {
  /** The app that owns the account in the contract; must be the chart's app. */
  readonly app: A;
  /** The ServiceAccount, as the contract declares it for the app (its IAM role is derived from it). */
  readonly name: ServiceAccountName<A>;
  /**
   * Whether pods using this account get an API token mounted. The SecretStore's reader needs none
   * (ESO requests tokens itself), workloads that call the Kubernetes API do.
   * @default false
   */
  readonly automountToken?: boolean;
}

/**
 * A ServiceAccount bound to its IAM role through IRSA. The role ARN is derived from the contract and
 * the environment's account, so a ServiceAccount infra does not create cannot be declared here.
 */
export class IrsaServiceAccount<A extends AppName> extends Construct {
  readonly name: string;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: IrsaServiceAccountProps<A>) {
    super(scope, id);
    const chart = AddonChart.of(this);
    if (props.app !== chart.app) throw new Error(`${chart.where}: ServiceAccount "${props.name}" belongs to ${props.app}, not to ${chart.app}`);
    const declared = contract[chart.app].serviceAccounts as Readonly<Record<string, unknown>>;
    if (!Object.hasOwn(declared, props.name)) {
      throw new Error(
        `${chart.where}: ServiceAccount "${props.name}" is not declared for ${chart.app} in the contract (known: ${Object.keys(declared).join(', ') || 'none'})`,
      );
    }
    this.name = props.name;
    this.roleArn = roleArn({ clusterName: chart.env.clusterName, accountId: chart.env.aws.accountId }, props.app, props.name);
    new k8s.KubeServiceAccount(this, 'Resource', {
      metadata: { name: props.name, annotations: IrsaServiceAccount.annotations(this.roleArn) },
      automountServiceAccountToken: props.automountToken ?? false,
    });
  }

  /** The IRSA annotations, for ServiceAccounts an upstream chart creates from its values. */
  static annotations(roleArn: string): Record<string, string> {
    return { 'eks.amazonaws.com/role-arn': roleArn, 'eks.amazonaws.com/sts-regional-endpoints': 'true' };
  }

  /** The IRSA annotations of a contract ServiceAccount of the chart's app, for charts that create it from values. */
  static annotationsFor<A extends AppName>(chart: AddonChart, app: A, name: ServiceAccountName<A>): Record<string, string> {
    return IrsaServiceAccount.annotations(IrsaServiceAccount.roleArnFor(chart, app, name));
  }

  /** The role ARN of a contract ServiceAccount of the chart's app, for charts that create the account from values. */
  static roleArnFor<A extends AppName>(chart: AddonChart, app: A, name: ServiceAccountName<A>): string {
    if (app !== chart.app) throw new Error(`${chart.where}: ServiceAccount "${name}" belongs to ${app}, not to ${chart.app}`);
    return roleArn({ clusterName: chart.env.clusterName, accountId: chart.env.aws.accountId }, app, name);
  }
}
