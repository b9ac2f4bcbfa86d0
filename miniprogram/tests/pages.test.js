const { fakeServer, loginRoute, page, settle } = require('./helpers');
const care = require('../utils/care');

const fresh = { id: 1, name: '', phone: null, community_id: null, roles: [], person_id: null };
const joined = { id: 1, name: '王大爷', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3 };

beforeEach(() => global.resetWx());

describe('app', () => {
  test('signs in silently at launch, loads the template ids and what the user can receive, and never blocks on failure', async () => {
    let appDef;
    global.App = (def) => {
      appDef = def;
    };
    jest.isolateModules(() => require('../app'));
    const subs = { meal_notice: { template_id: 'tpl-meal', remaining: 1, long_term: false } };
    const calls = fakeServer({
      'POST /auth/login': loginRoute(fresh),
      'GET /app-config': () => [200, { subscribe_templates: { meal_notice: 'tpl-meal' } }],
      'GET /me': () => [200, Object.assign({}, fresh, { subscriptions: subs })],
    });
    appDef.onLaunch();
    await settle();
    expect(calls.map((c) => c.key).sort()).toEqual(['GET /app-config', 'GET /me', 'POST /auth/login']);
    expect(calls.find((c) => c.key === 'GET /app-config').header.Authorization).toBeUndefined();
    expect(calls.findIndex((c) => c.key === 'GET /me')).toBeGreaterThan(calls.findIndex((c) => c.key === 'POST /auth/login'));
    expect(wx.getStorageSync('linli.user').subscriptions).toEqual(subs);
    expect(wx.showToast).not.toHaveBeenCalled();

    global.server = null; // WeChat unreachable
    wx.removeStorageSync('linli.token');
    expect(() => appDef.onLaunch()).not.toThrow();
    await settle();
  });
});

describe('home', () => {
  test('greets by name and opens each tab', async () => {
    wx.setStorageSync('linli.user', joined);
    const comp = page('home');
    comp.instance.onShow();
    expect(comp.dom.innerHTML).toContain('王大爷，您好');
    const entries = comp.querySelectorAll('.entry');
    expect(entries).toHaveLength(4);
    entries[1].dispatchEvent('tap');
    await settle();
    expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/report/index' });
  });

  test('works before sign-up', () => {
    const comp = page('home');
    comp.instance.onShow();
    expect(comp.dom.innerHTML).toContain('您好');
  });
});

describe('report tab', () => {
  test('report asks for the address only when the user starts a report', async () => {
    fakeServer({ 'POST /auth/login': loginRoute(fresh) });
    const comp = page('report');
    expect(wx.navigateTo).not.toHaveBeenCalled();
    await comp.instance.startReport();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/onboarding/index' });
    expect(comp.data.checking).toBe(false);
  });

  test('report goes on to the form for a user who has joined', async () => {
    wx.setStorageSync('linli.user', joined);
    const comp = page('report');
    await comp.instance.startReport();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/report/form/index' });
  });

  test('emergency numbers are one tap away', () => {
    const comp = page('report');
    comp.instance.callEmergency({ currentTarget: { dataset: { number: '120' } } });
    expect(wx.makePhoneCall).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '120' }));
  });
});

describe('care mode', () => {
  test('every page honours it', () => {
    care.set(true);
    for (const name of ['home', 'canteen', 'report', 'course', 'mine', 'onboarding', 'family', 'family/form', 'family/detail', 'review', 'canteen/book', 'canteen/orders', 'canteen/counter', 'canteen/rider', 'report/form', 'report/detail', 'report/task', 'console']) {
      const comp = page(name);
      expect(comp.data.care).toBe(true);
      expect(comp.dom.innerHTML).toContain('care');
    }
  });
});

describe('mine', () => {
  test('shows loading, then the user with the phone optional', async () => {
    fakeServer({ 'POST /auth/login': loginRoute(fresh), 'GET /me': () => [200, fresh] });
    const comp = page('mine');
    const loading = comp.instance.load();
    expect(comp.data.loading).toBe(true);
    expect(comp.dom.innerHTML).toContain('加载中');
    await loading;
    expect(comp.data.loading).toBe(false);
    expect(comp.dom.innerHTML).toContain('还没有填写住址');
    expect(comp.dom.innerHTML).toContain('绑定微信手机号（选填）');
  });

  test('shows the unread messages and opens the inbox', async () => {
    fakeServer({ 'POST /auth/login': loginRoute(joined), 'GET /me': () => [200, joined], 'GET /me/messages/unread-count': () => [200, { count: 2 }] });
    const comp = page('mine');
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('2 条未读');
    expect(wx.setTabBarBadge).toHaveBeenLastCalledWith(expect.objectContaining({ index: 4, text: '2' }));
    comp.instance.openMessages();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/messages/index' });
  });

  test('offers a retry when loading fails', async () => {
    fakeServer({ 'POST /auth/login': loginRoute(fresh), 'GET /me': () => 'network' });
    const comp = page('mine');
    await comp.instance.load();
    expect(comp.data.failed).toBe(true);
    expect(comp.dom.innerHTML).toContain('重试');
  });

  test('binds the phone from the getPhoneNumber code', async () => {
    const calls = fakeServer({
      'POST /auth/login': loginRoute(fresh),
      'POST /me/phone': () => [200, Object.assign({}, joined, { phone: '138****0000' })],
    });
    const comp = page('mine');
    await comp.instance.onPhone({ detail: { code: 'phone-code' } });
    expect(calls.find((c) => c.key === 'POST /me/phone').data).toEqual({ code: 'phone-code' });
    expect(comp.data.user.phone).toBe('138****0000');
    await comp.instance.onPhone({ detail: { errMsg: 'getPhoneNumber:fail user deny' } });
    expect(calls.filter((c) => c.key === 'POST /me/phone')).toHaveLength(1);
  });

  test('the care switch is remembered', () => {
    const comp = page('mine');
    comp.instance.toggleCare({ detail: { value: true } });
    expect(care.isOn()).toBe(true);
    expect(comp.data.care).toBe(true);
  });

  test('account deletion asks first, then clears the session', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    const calls = fakeServer({ 'DELETE /me': () => [204, ''] });
    const comp = page('mine');
    comp.instance.deleteAccount();
    const modal = wx.showModal.mock.calls[0][0];
    await modal.success({ confirm: false });
    expect(calls).toHaveLength(0);
    await modal.success({ confirm: true });
    expect(calls.map((c) => c.key)).toEqual(['DELETE /me']);
    expect(wx.getStorageSync('linli.token')).toBe('');
  });
});

describe('onboarding', () => {
  const routes = (extra) => Object.assign({
    'POST /auth/login': loginRoute(fresh),
    'GET /communities': () => [200, { items: [{ id: 7, name: '中埂社区' }, { id: 8, name: '西街社区' }], next_cursor: '' }],
    'GET /communities/7/buildings': () => [200, { items: [{ id: 70, community_id: 7, name: '1幢' }], next_cursor: '' }],
  }, extra);

  async function filled(extra) {
    const calls = fakeServer(routes(extra));
    const comp = page('onboarding');
    await comp.instance.loadCommunities();
    expect(comp.dom.innerHTML).toContain('请选择');
    await comp.instance.pickCommunity({ detail: { value: '0' } });
    comp.instance.pickBuilding({ detail: { value: '0' } });
    for (const [field, value] of [['name', '王大爷'], ['unit', '1单元'], ['room', '301']]) {
      comp.instance.onInput({ currentTarget: { dataset: { field } }, detail: { value } });
    }
    return { comp, calls };
  }

  test('says what is missing before sending anything', async () => {
    const calls = fakeServer(routes());
    const comp = page('onboarding');
    await comp.instance.loadCommunities();
    await comp.instance.submit();
    expect(comp.data.errors).toMatchObject({ community_id: '请选择社区', building_id: '请选择楼栋', name: '必填', unit: '必填', room: '必填' });
    expect(comp.dom.innerHTML).toContain('请选择社区');
    expect(calls.filter((c) => c.key === 'PUT /me/profile')).toHaveLength(0);
  });

  test('saves the address and goes back', async () => {
    const { comp, calls } = await filled({ 'PUT /me/profile': () => [200, joined] });
    await comp.instance.submit();
    expect(calls.find((c) => c.key === 'PUT /me/profile').data).toEqual({
      name: '王大爷', community_id: 7, building_id: 70, unit: '1单元', room: '301',
    });
    expect(wx.getStorageSync('linli.user')).toEqual(joined);
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test("shows the server's field errors", async () => {
    const { comp } = await filled({
      'PUT /me/profile': () => [400, { error: { code: 'invalid_request', message: '请求参数有误', request_id: 'r', fields: { building_id: '楼栋不存在' } } }],
    });
    await comp.instance.submit();
    expect(comp.data.errors.building_id).toBe('楼栋不存在');
    expect(comp.dom.innerHTML).toContain('楼栋不存在');
    expect(comp.data.saving).toBe(false);
  });

  test('offers a retry when the list does not load', async () => {
    fakeServer({ 'GET /communities': () => 'network' });
    const comp = page('onboarding');
    await comp.instance.loadCommunities();
    expect(comp.data.failed).toBe(true);
    expect(comp.dom.innerHTML).toContain('重试');
  });
});
