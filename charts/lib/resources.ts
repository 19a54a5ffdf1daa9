import { k8s } from 'cdk8s-plus-28';
import type { Resources } from '../../config/types';

/** Container resources from the config's plain shape. */
export function containerResources(r: Resources): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(r.requests.cpu), memory: k8s.Quantity.fromString(r.requests.memory) },
    limits: { cpu: k8s.Quantity.fromString(r.limits.cpu), memory: k8s.Quantity.fromString(r.limits.memory) },
  };
}

/** The same, as plain values for upstream chart values files. */
export function resourceValues(r: Resources): { requests: Record<string, string>; limits: Record<string, string> } {
  return {
    requests: { cpu: r.requests.cpu, memory: r.requests.memory },
    limits: { cpu: r.limits.cpu, memory: r.limits.memory },
  };
}
