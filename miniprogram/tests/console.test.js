const { fakeServer, loginRoute, page, settle } = require('./helpers');
const words = require('../utils/console');

const resident = { id: 5, name: '王小明', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3 };
const staff = Object.assign({}, resident, { id: 9, name: '李红梅', roles: [{ community_id: 7, role: 'resident' }, { community_id: 7, role: 'staff' }] });
const kitchen = Object.assign({}, resident, { id: 10, name: '陈国强', roles: [{ community_id: 7, role: 'canteen_staff' }] });
const ticket = (status) => ({
  id: 'Tk_abcdefgh12345678', status, client_ip: '61.164.1.20',
  user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  created_at: '2026-12-01T14:05:09+08:00', expires_at: '2026-12-01T14:07:09+08:00',
});
const error = (status, code, message) => () => [status, { error: { code, message, request_id: 'r' } }];

beforeEach(() => global.resetWx());

describe('console words', () => {
  test('reads the console QR code and names the browser', () => {
    expect(words.ticketOf('linli-console:Tk_abcdefgh12345678')).toBe('Tk_abcdefgh12345678');
    expect(words.ticketOf('linli-enrollment:51')).toBe('');
    expect(words.ticketOf('linli-console:')).toBe('');
    expect(words.ticketOf('linli-console:../../x?y')).toBe('');
    expect(words.ticketOf(undefined)).toBe('');
    expect(words.browserName(ticket().user_agent)).toBe('Windows · Chrome 浏览器');
    expect(words.browserName('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Version/17.0 Safari/605.1.15')).toBe('Mac · Safari 浏览器');
    expect(words.browserName('')).toBe('未知系统 · 浏览器');
    expect(words.clock('2026-12-01T14:05:09+08:00')).toBe('14:05');
  });
});

describe('我的 → 扫码登录工作台', () => {
  test('is offered to staff and canteen staff only', async () => {
    for (const [user, shown] of [[resident, false], [staff, true], [kitchen, true]]) {
      fakeServer({ 'POST /auth/login': loginRoute(user), 'GET /me': () => [200, user], 'GET /me/messages/unread-count': () => [200, { count: 0 }] });
      const comp = page('mine');
      await comp.instance.load();
      expect(comp.data.canConsole).toBe(shown);
      expect(comp.dom.innerHTML.includes('扫码登录工作台')).toBe(shown);
    }
  });

  test('scans with the camera and opens the confirm page, or says the code is not the console\'s', () => {
    const comp = page('mine');
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'linli-enrollment:51' }));
    comp.instance.scanConsole();
    expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true }));
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '这不是工作台的登录二维码' }));
    expect(wx.navigateTo).not.toHaveBeenCalled();
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'linli-console:Tk_abcdefgh12345678' }));
    comp.instance.scanConsole();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/console/index?ticket=Tk_abcdefgh12345678' });
  });
});

describe('登录社区工作台', () => {
  test('shows where and when the browser asked, then confirms', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    const calls = fakeServer({
      'POST /console/tickets/Tk_abcdefgh12345678/scan': () => [200, ticket('scanned')],
      'POST /console/tickets/Tk_abcdefgh12345678/approve': () => [200, ticket('approved')],
    });
    const comp = page('console');
    comp.instance.onLoad({ ticket: 'Tk_abcdefgh12345678' });
    expect(comp.dom.innerHTML).toContain('正在读取登录请求');
    await settle();
    let html = comp.dom.innerHTML;
    for (const text of ['登录社区工作台？', 'Windows · Chrome 浏览器', '61.164.1.20', '14:05', '确认登录', '取消']) {
      expect(html).toContain(text);
    }
    await comp.instance.approve();
    expect(calls.map((c) => c.key)).toEqual(['POST /console/tickets/Tk_abcdefgh12345678/scan', 'POST /console/tickets/Tk_abcdefgh12345678/approve']);
    html = comp.dom.innerHTML;
    expect(html).toContain('已登录');
    expect(html).not.toContain('确认登录');
    // A second tap sends nothing more.
    await comp.instance.approve();
    expect(calls.filter((c) => c.key.endsWith('/approve'))).toHaveLength(1);
  });

  test('declines', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    const calls = fakeServer({
      'POST /console/tickets/Tk_abcdefgh12345678/scan': () => [200, ticket('scanned')],
      'POST /console/tickets/Tk_abcdefgh12345678/decline': () => [200, ticket('declined')],
    });
    const comp = page('console');
    comp.instance.onLoad({ ticket: 'Tk_abcdefgh12345678' });
    await settle();
    await comp.instance.decline();
    expect(calls.map((c) => c.key)).toContain('POST /console/tickets/Tk_abcdefgh12345678/decline');
    expect(comp.dom.innerHTML).toContain('已取消登录');
  });

  test('explains an expired code, one already used, and a user who is not staff', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    for (const [answer, text] of [
      [error(409, 'ticket_expired', '二维码已过期'), '二维码已过期，请在电脑上刷新后重新扫码'],
      [error(409, 'already_decided', '该登录请求已处理'), '这个登录请求已经处理过了'],
      [error(403, 'forbidden', '没有权限'), '只有社区和食堂的工作人员可以登录工作台'],
      [() => 'network', '网络不太好'],
    ]) {
      fakeServer({ 'POST /console/tickets/Tk_abcdefgh12345678/scan': answer });
      const comp = page('console');
      comp.instance.onLoad({ ticket: 'Tk_abcdefgh12345678' });
      await settle();
      expect(comp.dom.innerHTML).toContain('无法登录');
      expect(comp.dom.innerHTML).toContain(text);
      expect(comp.dom.innerHTML).not.toContain('确认登录');
    }
    // The code expired while the person read the page.
    fakeServer({
      'POST /console/tickets/Tk_abcdefgh12345678/scan': () => [200, ticket('scanned')],
      'POST /console/tickets/Tk_abcdefgh12345678/approve': error(409, 'ticket_expired', '二维码已过期'),
    });
    const comp = page('console');
    comp.instance.onLoad({ ticket: 'Tk_abcdefgh12345678' });
    await settle();
    await comp.instance.approve();
    expect(comp.dom.innerHTML).toContain('二维码已过期，请在电脑上刷新后重新扫码');
    expect(wx.showToast).not.toHaveBeenCalled();
  });

  test('a page opened without a ticket says so', () => {
    const comp = page('console');
    comp.instance.onLoad({});
    expect(comp.dom.innerHTML).toContain('这不是工作台的登录二维码');
  });
});
