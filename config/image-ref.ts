/**
 * Container image references: parsed and checked so that every image we emit is pinned
 * (a tag other than `latest`, or a digest).
 */
export interface ImageRef {
  /** Registry host, e.g. `docker.io` or `123456789012.dkr.ecr.us-east-1.amazonaws.com`. */
  readonly registry: string;
  /** Repository path inside the registry, e.g. `library/python`. */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:<64 hex>` when pinned by digest. */
  readonly digest?: string;
}

const REPO_PART = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/;
/** A registry is a host name (or localhost) with an optional port, as in the distribution reference grammar. */
const REGISTRY = /^(localhost|[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*)(:\d{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Parses `registry/repo[:tag][@digest]`; throws when malformed or unpinned. */
export function parseImageRef(ref: string): ImageRef {
  const fail = (why: string): never => {
    throw new Error(`invalid image reference "${ref}": ${why}`);
  };
  if (ref.trim() !== ref || ref === '') fail('empty or surrounded by spaces');
  const [nameAndTag, digest, extra] = ref.split('@');
  if (extra !== undefined) fail('more than one "@"');
  if (digest !== undefined && !DIGEST.test(digest)) fail('digest must be sha256:<64 lowercase hex>');
  const slash = nameAndTag!.indexOf('/');
  const first = slash < 0 ? '' : nameAndTag!.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasRegistry ? first : 'docker.io';
  if (!REGISTRY.test(registry)) fail(`registry "${registry}" is not a host name with an optional :port (like registry.k8s.io or localhost:5000)`);
  let rest = hasRegistry ? nameAndTag!.slice(slash + 1) : nameAndTag!;
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`tag "${tag}" is not a valid tag`);
  }
  if (!rest.split('/').every((p) => REPO_PART.test(p))) fail(`repository "${rest}" must be lowercase path components`);
  if (tag === undefined && digest === undefined) fail('no tag or digest: images must be pinned');
  if (tag === 'latest' && digest === undefined) fail('"latest" is not a pin; use a version tag or a digest');
  return {
    registry,
    repository: rest,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** `<account>.dkr.ecr.<region>.amazonaws.com` */
export function ecrRegistryHost(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com`;
}
