/**
 * A SonarQube Web API double for the scripts that call it (charts/sonarqube/setup.sh,
 * django-todo/scripts/sonar-token.sh): the endpoints they use, with the rules of SonarQube 10.6
 * that decide whether they work. Answers are compact JSON, as SonarQube writes them.
 *
 * - Basic auth with login:password or token: (an empty password). Wrong credentials: 401, except
 *   `authentication/validate`, which answers `{"valid":false}`. Force-authentication is on (the
 *   10.x default): anonymous calls get 401, except `system/status` and `authentication/validate`.
 * - Administer System is needed for projects, users (create, search, another's password),
 *   permissions and webhooks (403 otherwise).
 * - `users/change_password` (ChangePasswordAction): one's own password needs `previousPassword`,
 *   which must be right and differ from the new one; another user's needs Administer System.
 * - `users/create`: 400 for an active login; a deactivated one is reactivated with the new data
 *   (UserUpdater.reactivateAndCommit). New users join `sonar-users`, which holds no permission
 *   here.
 * - `permissions/add_user` (UserPermissionChanger): adding a permission the user has is a no-op;
 *   `user` and `codeviewer` on a public project are implicit, so adding them is a no-op too.
 * - `user_tokens/generate` for oneself: 400 when a token of that name exists; `revoke` of a name
 *   that does not exist succeeds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  password: string;
  active: boolean;
  admin: boolean;
  /** Token name → token. */
  tokens: Map<string, string>;
}

export interface FakeProject {
  name: string;
  visibility: 'public' | 'private';
  /** login → project permissions. */
  permissions: Map<string, Set<string>>;
}

const PUBLIC_PERMISSIONS = new Set(['user', 'codeviewer']);

type Caller = { readonly login: string } | { readonly anonymous: true } | { readonly invalid: true };

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class FakeSonarqube {
  readonly users = new Map<string, FakeUser>([['admin', { password: 'admin', active: true, admin: true, tokens: new Map() }]]);
  readonly projects = new Map<string, FakeProject>();
  readonly webhooks: { key: string; name: string; url: string }[] = [];
  /** Every call, as `METHOD /api/path`. */
  readonly calls: string[] = [];
  /** Every request target as sent, query string included. */
  readonly targets: string[] = [];
  /** `system/status` answers STARTING this many more times before UP. */
  startingFor = 0;
  private server?: Server;
  private nextToken = 1;

  /** Starts listening on a free local port; returns the base URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Adds a local user, as an administrator would have. */
  addUser(login: string, password: string, options: Partial<Pick<FakeUser, 'active' | 'admin'>> = {}): void {
    this.users.set(login, { password, active: options.active ?? true, admin: options.admin ?? false, tokens: new Map() });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sonarqube');
    let body = '';
    for await (const chunk of req) body += chunk;
    const params = new URLSearchParams(url.search);
    if (req.method === 'POST') for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
    this.calls.push(`${req.method} ${url.pathname}`);
    this.targets.push(req.url ?? '');
    try {
      const answer = this.route(req.method ?? 'GET', url.pathname, params, this.caller(req.headers.authorization));
      res.writeHead(answer === undefined ? 204 : 200, { 'content-type': 'application/json' });
      res.end(answer === undefined ? undefined : JSON.stringify(answer));
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ msg: (e as Error).message }] }));
    }
  }

  /** The signed-in login; `anonymous` without credentials, `invalid` for wrong ones. */
  private caller(authorization: string | undefined): Caller {
    if (authorization === undefined) return { anonymous: true };
    const [login, ...rest] = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
    const password = rest.join(':');
    if (password === '') {
      for (const [name, u] of this.users) if (u.active && [...u.tokens.values()].includes(login!)) return { login: name };
      return { invalid: true };
    }
    const user = this.users.get(login!);
    return user?.active && user.password === password ? { login: login! } : { invalid: true };
  }

  private route(method: string, path: string, p: URLSearchParams, caller: Caller): unknown {
    if (path === '/api/system/status') {
      if (this.startingFor > 0) {
        this.startingFor -= 1;
        return { status: 'STARTING' };
      }
      return { id: 'fake', version: '10.6.0', status: 'UP' };
    }
    if (path === '/api/authentication/validate') return { valid: 'login' in caller };
    if (!('login' in caller)) throw new HttpError(401, 'Authentication required');
    const who = caller.login;
    const me = this.users.get(who)!;
    const post = () => {
      if (method !== 'POST') throw new HttpError(405, 'POST required');
    };
    const asAdmin = () => {
      if (!me.admin) throw new HttpError(403, 'Insufficient privileges');
    };
    const need = (name: string) => {
      const v = p.get(name);
      if (v === null || v === '') throw new HttpError(400, `The '${name}' parameter is missing`);
      return v;
    };
    const project = () => {
      const found = this.projects.get(need('projectKey'));
      if (!found) throw new HttpError(404, `Project key '${p.get('projectKey')}' not found`);
      return found;
    };
    switch (path) {
      case '/api/users/change_password': {
        post();
        const login = need('login');
        const target = this.users.get(login);
        if (!target?.active) throw new HttpError(404, `User with login '${login}' has not been found`);
        if (login === who) {
          if (need('previousPassword') !== me.password) throw new HttpError(400, 'Incorrect password');
          if (p.get('previousPassword') === need('password')) throw new HttpError(400, 'Password must be different from old password');
        } else asAdmin();
        target.password = need('password');
        return undefined;
      }
      case '/api/users/search': {
        asAdmin();
        const q = p.get('q') ?? '';
        const users = [...this.users].filter(([login, u]) => u.active && login.includes(q));
        return { paging: { pageIndex: 1, pageSize: 50, total: users.length }, users: users.map(([login]) => ({ login, name: login, active: true, local: true })) };
      }
      case '/api/users/create': {
        post();
        asAdmin();
        const login = need('login');
        const existing = this.users.get(login);
        if (existing?.active) throw new HttpError(400, `An active user with login '${login}' already exists`);
        this.addUser(login, need('password'));
        return { user: { login, name: need('name'), active: true, local: true } };
      }
      case '/api/projects/search': {
        asAdmin();
        const keys = (p.get('projects') ?? '').split(',').filter(Boolean);
        const found = [...this.projects].filter(([key]) => keys.length === 0 || keys.includes(key));
        return { paging: { pageIndex: 1, pageSize: 100, total: found.length }, components: found.map(([key, x]) => ({ key, name: x.name, qualifier: 'TRK', visibility: x.visibility })) };
      }
      case '/api/projects/create': {
        post();
        asAdmin();
        const key = need('project');
        if (this.projects.has(key)) throw new HttpError(400, `Could not create Project with key: "${key}". A similar key already exists: "${key}"`);
        const visibility = p.get('visibility') === 'private' ? 'private' : 'public';
        this.projects.set(key, { name: need('name'), visibility, permissions: new Map() });
        return { project: { key, name: need('name'), qualifier: 'TRK', visibility } };
      }
      case '/api/permissions/add_user': {
        post();
        asAdmin();
        const login = need('login');
        if (!this.users.get(login)?.active) throw new HttpError(404, `User with login '${login}' is not found`);
        const target = project();
        const permission = need('permission');
        if (target.visibility === 'public' && PUBLIC_PERMISSIONS.has(permission)) return undefined;
        const set = target.permissions.get(login) ?? new Set<string>();
        set.add(permission);
        target.permissions.set(login, set);
        return undefined;
      }
      case '/api/webhooks/list':
        asAdmin();
        return { webhooks: this.webhooks.map((w) => ({ ...w, hasSecret: false })) };
      case '/api/webhooks/delete': {
        post();
        asAdmin();
        const i = this.webhooks.findIndex((w) => w.key === need('webhook'));
        if (i < 0) throw new HttpError(404, `No webhook with key '${p.get('webhook')}'`);
        this.webhooks.splice(i, 1);
        return undefined;
      }
      case '/api/user_tokens/generate': {
        post();
        const name = need('name');
        if (me.tokens.has(name)) throw new HttpError(400, `A user token for login '${who}' and name '${name}' already exists`);
        const token = `squ_fake${this.nextToken++}`;
        me.tokens.set(name, token);
        return { login: who, name, token, type: 'USER_TOKEN' };
      }
      case '/api/user_tokens/revoke':
        post();
        me.tokens.delete(need('name'));
        return undefined;
      default:
        throw new HttpError(404, `Unknown url : ${path}`);
    }
  }
}
