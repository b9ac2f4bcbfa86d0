const api = require('../utils/api');
const session = require('../utils/session');
const { fakeServer, loginRoute } = require('./helpers');

const user = { id: 1, name: '', phone: null, community_id: null, roles: [], person_id: null };

beforeEach(() => global.resetWx());

test('signs in silently, attaches the token and returns the body', async () => {
  const calls = fakeServer({
    'POST /auth/login': loginRoute(user),
    'GET /me': (opts) => [opts.header.Authorization === 'Bearer lt_token' ? 200 : 401, user],
  });
  await expect(api.get('/me')).resolves.toEqual(user);
  expect(calls.map((c) => c.key)).toEqual(['POST /auth/login', 'GET /me']);
  expect(calls[0].data).toEqual({ code: 'code-1' });
  expect(wx.getStorageSync('linli.token')).toBe('lt_token');
});

test('on 401 it signs in again and retries once, with the same idempotency key', async () => {
  wx.setStorageSync('linli.token', 'lt_stale');
  let posts = 0;
  const calls = fakeServer({
    'POST /auth/login': loginRoute(user),
    'POST /me/subscriptions': (opts) => {
      posts += 1;
      return opts.header.Authorization === 'Bearer lt_stale'
        ? [401, { error: { code: 'unauthenticated', message: '请先登录', request_id: 'r' } }]
        : [200, { consents: [] }];
    },
  });
  await expect(api.post('/me/subscriptions', { template_ids: ['x'] })).resolves.toEqual({ consents: [] });
  expect(posts).toBe(2);
  const keys = calls.filter((c) => c.key === 'POST /me/subscriptions').map((c) => c.header['Idempotency-Key']);
  expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(keys[1]).toBe(keys[0]);
});

test('a second 401 is not retried forever', async () => {
  let gets = 0;
  fakeServer({
    'POST /auth/login': loginRoute(user),
    'GET /me': () => {
      gets += 1;
      return [401, { error: { code: 'unauthenticated', message: '请先登录', request_id: 'r' } }];
    },
  });
  await expect(api.get('/me')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
  expect(gets).toBe(2);
});

test("shows the server's Chinese message and keeps the fields", async () => {
  fakeServer({
    'POST /auth/login': loginRoute(user),
    'PUT /me/profile': () => [400, { error: { code: 'invalid_request', message: '请求参数有误', request_id: 'r', fields: { room: '必填' } } }],
  });
  await expect(api.put('/me/profile', {})).rejects.toMatchObject({ code: 'invalid_request', fields: { room: '必填' } });
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请求参数有误', icon: 'none' }));
});

test('a network failure has a plain message, and loading is always hidden', async () => {
  fakeServer({ 'GET /communities': () => 'network' });
  await expect(api.get('/communities', { auth: false, loading: true })).rejects.toMatchObject({ code: 'network' });
  expect(wx.showLoading).toHaveBeenCalled();
  expect(wx.hideLoading).toHaveBeenCalled();
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络不太好，请稍后再试' }));
});

test('silent requests show no toast; public requests send no token', async () => {
  const calls = fakeServer({ 'GET /communities': () => [200, { items: [], next_cursor: '' }] });
  await api.get('/communities', { auth: false, silent: true });
  expect(calls[0].header.Authorization).toBeUndefined();
  expect(wx.showToast).not.toHaveBeenCalled();
});

test('concurrent requests share one sign-in', async () => {
  const calls = fakeServer({ 'POST /auth/login': loginRoute(user), 'GET /me': () => [200, user] });
  await Promise.all([api.get('/me'), api.get('/me'), session.login()]);
  expect(calls.filter((c) => c.key === 'POST /auth/login')).toHaveLength(1);
});
