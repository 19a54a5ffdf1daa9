/** Typed IAM policy statements and the helpers that turn them into policy documents and IRSA roles. */
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';

/** ARN of an AWS managed policy, given its path under `arn:aws:iam::aws:policy/`. */
export function awsManagedPolicyArn(name: string): string {
  return `arn:aws:iam::aws:policy/${name}`;
}

export interface Condition {
  readonly test: 'StringEquals' | 'StringLike' | 'Null' | 'ArnLike';
  readonly variable: string;
  readonly values: readonly string[];
}

/** One Allow statement. `resources: ['*']` is only for actions AWS does not scope (see the policy test). */
export interface Statement {
  readonly sid?: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: readonly Condition[];
}

export function policyDocument(scope: Construct, id: string, statements: readonly Statement[]): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: statements.map((s) => ({
      ...(s.sid ? { sid: s.sid } : {}),
      effect: 'Allow',
      actions: [...s.actions],
      resources: [...s.resources],
      ...(s.conditions?.length
        ? { condition: s.conditions.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })) }
        : {}),
    })),
  });
}

export interface OidcProviderRef {
  /** ARN of the cluster's IAM OIDC provider. */
  readonly arn: string;
  /** Issuer host and path without `https://` (the condition key prefix). */
  readonly issuerHost: string;
}

export interface IrsaRoleProps {
  readonly roleName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly oidc: OidcProviderRef;
  readonly description?: string;
}

/**
 * An IAM role assumable only by one Kubernetes ServiceAccount through the cluster's OIDC provider:
 * `sts:AssumeRoleWithWebIdentity`, `:sub = system:serviceaccount:<ns>:<name>` and
 * `:aud = sts.amazonaws.com`. No service principal (the seed's `eks.amazonaws.com` statement is gone).
 */
export class IrsaRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: IrsaRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [props.oidc.arn] }],
          condition: [
            {
              test: 'StringEquals',
              variable: `${props.oidc.issuerHost}:sub`,
              values: [`system:serviceaccount:${props.namespace}:${props.serviceAccount}`],
            },
            { test: 'StringEquals', variable: `${props.oidc.issuerHost}:aud`, values: ['sts.amazonaws.com'] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: props.description ?? `IRSA role of ${props.namespace}/${props.serviceAccount}`,
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
    });
  }

  /** Attaches an inline policy made of typed statements. */
  addPolicy(name: string, statements: readonly Statement[]): IamRolePolicy {
    const doc = policyDocument(this, `${name}-policy`, statements);
    return new IamRolePolicy(this, name, { name, role: this.role.name, policy: doc.json });
  }
}
