import { AuthenticationV1Api, AuthorizationV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';

// The sandbox answers SubjectAccessReviews by evaluating the stored RBAC objects the way kube-apiserver's
// RBAC authorizer does, and TokenReviews from its users: a component acting for a person can ask both.
describe('the sandbox API server answers TokenReviews and SubjectAccessReviews from its RBAC objects', () => {
  let sandbox: Sandbox;
  let authz: AuthorizationV1Api;
  let rbac: RbacAuthorizationV1Api;

  const canPatch = async (user: string, namespace: string, name = 'podinfo', groups: string[] = []) =>
    (
      await authz.createSubjectAccessReview({
        body: { spec: { user, groups, resourceAttributes: { verb: 'patch', group: 'kanari.dev', resource: 'canaries', namespace, name } } },
      })
    ).status?.allowed;

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: ['team-a', 'team-b'] });
    authz = sandbox.kubeConfig.makeApiClient(AuthorizationV1Api);
    rbac = sandbox.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({
      body: { metadata: { name: 'canary-operator' }, rules: [{ apiGroups: ['kanari.dev'], resources: ['canaries'], verbs: ['get', 'list', 'patch'] }] },
    });
    await rbac.createClusterRole({ body: { metadata: { name: 'canary-viewer' }, rules: [{ apiGroups: ['kanari.dev'], resources: ['canaries'], verbs: ['get', 'list', 'watch'] }] } });
    // alice may patch Canaries in team-a only (a RoleBinding to a ClusterRole); the release-managers group everywhere.
    await rbac.createNamespacedRoleBinding({
      namespace: 'team-a',
      body: { metadata: { name: 'alice-operates' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'canary-operator' }, subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }] },
    });
    await rbac.createClusterRoleBinding({
      body: { metadata: { name: 'release-managers' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'canary-operator' }, subjects: [{ kind: 'Group', name: 'release-managers', apiGroup: 'rbac.authorization.k8s.io' }] },
    });
    await rbac.createClusterRoleBinding({
      body: { metadata: { name: 'everyone-views' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'canary-viewer' }, subjects: [{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }] },
    });
    // A Role naming one Canary, bound to a ServiceAccount.
    await rbac.createNamespacedRole({
      namespace: 'team-b',
      body: { metadata: { name: 'promote-frontend' }, rules: [{ apiGroups: ['kanari.dev'], resources: ['canaries'], resourceNames: ['frontend'], verbs: ['patch'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: 'team-b',
      body: { metadata: { name: 'bot' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'promote-frontend' }, subjects: [{ kind: 'ServiceAccount', name: 'release-bot', namespace: 'team-b' }] },
    });
  });
  afterAll(() => sandbox.stop());

  test('bindings to users, groups and ServiceAccounts, Role and ClusterRole, namespace and resource names', async () => {
    expect(await canPatch('alice', 'team-a')).toBe(true);
    expect(await canPatch('alice', 'team-b')).toBe(false);
    expect(await canPatch('bob', 'team-b')).toBe(false);
    expect(await canPatch('bob', 'team-b', 'podinfo', ['release-managers', 'system:authenticated'])).toBe(true);
    expect(await canPatch('system:serviceaccount:team-b:release-bot', 'team-b', 'frontend')).toBe(true);
    expect(await canPatch('system:serviceaccount:team-b:release-bot', 'team-b', 'podinfo')).toBe(false);
    expect(await canPatch('system:serviceaccount:team-a:release-bot', 'team-b', 'frontend')).toBe(false);
    const review = await authz.createSubjectAccessReview({
      body: { spec: { user: 'alice', groups: ['system:authenticated'], resourceAttributes: { verb: 'watch', group: 'kanari.dev', resource: 'canaries', namespace: 'team-b' } } },
    });
    expect(review.status).toEqual({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "everyone-views" of ClusterRole "canary-viewer" to User "alice"' });
    // A subresource is its own resource to RBAC.
    expect(
      (await authz.createSubjectAccessReview({ body: { spec: { user: 'alice', resourceAttributes: { verb: 'patch', group: 'kanari.dev', resource: 'canaries', subresource: 'status', namespace: 'team-a' } } } })).status?.allowed,
    ).toBe(false);
  });

  test('a review without a user or group, or without attributes, is Invalid', async () => {
    const noUser = await sandbox.rawRequest('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } });
    expect(noUser.status).toBe(422);
    expect((noUser.body as { message: string }).message).toContain('at least one of user or group must be specified');
    const noAttributes = await sandbox.rawRequest('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { user: 'alice' } });
    expect(noAttributes.status).toBe(422);
  });

  test('TokenReview names the user of a token; the server admin is in system:masters', async () => {
    const carol = sandbox.server.addUser('carol', { groups: ['release-managers'] });
    const authn = sandbox.kubeConfig.makeApiClient(AuthenticationV1Api);
    const known = await authn.createTokenReview({ body: { spec: { token: carol.kubeConfig.getCurrentUser()!.token! } } });
    expect(known.status).toMatchObject({ authenticated: true, user: { username: 'carol', groups: ['release-managers', 'system:authenticated'] } });
    expect((await authn.createTokenReview({ body: { spec: { token: 'not-a-token' } } })).status?.authenticated).toBe(false);
    const admin = await authn.createTokenReview({ body: { spec: { token: sandbox.server.token } } });
    expect(admin.status?.user?.groups).toContain('system:masters');
    expect(await canPatch('admin', 'team-b', 'podinfo', ['system:masters'])).toBe(true);
    expect(sandbox.server.accessLog('admin')).toEqual(expect.arrayContaining([
      { user: 'admin', group: 'authentication.k8s.io', resource: 'tokenreviews', verb: 'create' },
      { user: 'admin', group: 'authorization.k8s.io', resource: 'subjectaccessreviews', verb: 'create' },
    ]));
  });

  test("a SelfSubjectAccessReview answers for the token's own user (what kubectl auth can-i asks)", async () => {
    const dana = sandbox.server.addUser('dana');
    await rbac.createNamespacedRoleBinding({
      namespace: 'team-b',
      body: { metadata: { name: 'dana-operates' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'canary-operator' }, subjects: [{ kind: 'User', name: 'dana', apiGroup: 'rbac.authorization.k8s.io' }] },
    });
    const asDana = dana.kubeConfig.makeApiClient(AuthorizationV1Api);
    const canI = async (verb: string, namespace: string) =>
      (await asDana.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { verb, group: 'kanari.dev', resource: 'canaries', namespace } } } })).status?.allowed;
    expect(await canI('patch', 'team-b')).toBe(true);
    expect(await canI('patch', 'team-a')).toBe(false);
    expect(await canI('delete', 'team-b')).toBe(false);
  });
});
