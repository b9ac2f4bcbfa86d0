const { fakeServer, page, settle } = require('./helpers');
const { tap } = require('./taps');
const inbox = require('../utils/inbox');

const list = (items, next) => () => [200, { items, next_cursor: next || '' }];
const message = (over) => Object.assign({
  id: 1, community_id: 7, kind: 'course', title: '候补成功', body: '您候补的“缓解育儿焦虑”有名额了，已为您报名。',
  page: '/pages/course/mine/index?highlight=52', created_at: '2026-11-26T09:30:00+08:00', read: false,
}, over);

beforeEach(() => global.resetWx());

describe('inbox', () => {
  test('knows the tab bar as app.json has it', () => {
    const app = JSON.parse(require('fs').readFileSync(require('path').join(__dirname, '..', 'app.json'), 'utf8'));
    expect(inbox.TABS).toEqual(app.tabBar.list.map((t) => '/' + t.pagePath));
  });

  test('the badge shows the unread count on 我的, 99+ beyond, and clears at zero', () => {
    inbox.badge(3);
    expect(wx.setTabBarBadge).toHaveBeenLastCalledWith(expect.objectContaining({ index: 4, text: '3' }));
    inbox.badge(100);
    expect(wx.setTabBarBadge).toHaveBeenLastCalledWith(expect.objectContaining({ text: '99+' }));
    inbox.badge(0);
    expect(wx.removeTabBarBadge).toHaveBeenCalledWith(expect.objectContaining({ index: 4 }));
  });

  test('a message opens its page: tabs by switchTab without the query', () => {
    inbox.open('/pages/course/index?x=1');
    expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/course/index' });
    inbox.open('/pages/family/detail/index?id=3');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/family/detail/index?id=3' });
    inbox.open('');
    expect(wx.navigateTo).toHaveBeenCalledTimes(1);
  });
});

describe('消息', () => {
  test('lists messages with the unread marked; opening one marks it read and goes there', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    let unread = 2;
    const calls = fakeServer({
      'GET /me/messages': list([
        message(),
        message({ id: 2, kind: 'safety_check', title: '安危确认：送餐无人应答', page: '/pages/family/detail/index?id=3' }),
        message({ id: 3, title: '明天上课', read: true, page: '/pages/course/mine/index?highlight=53' }),
      ], 'next'),
      'GET /me/messages/unread-count': () => [200, { count: unread }],
      'POST /me/messages/read': (opts) => {
        unread = opts.data.all ? 0 : unread - opts.data.ids.length;
        return [200, { count: unread }];
      },
    });
    const comp = page('messages');
    await comp.instance.load();
    const html = comp.dom.innerHTML;
    for (const text of ['● 候补成功', '● 安危确认：送餐无人应答', '明天上课', '全部标为已读', '加载更多']) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain('● 明天上课');
    expect(wx.setTabBarBadge).toHaveBeenLastCalledWith(expect.objectContaining({ text: '2' }));

    await comp.instance.tap({ currentTarget: { dataset: { index: 1 } } });
    expect(calls.find((c) => c.key === 'POST /me/messages/read').data).toEqual({ ids: [2] });
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/family/detail/index?id=3' });
    expect(comp.data.items[1].read).toBe(true);
    expect(wx.setTabBarBadge).toHaveBeenLastCalledWith(expect.objectContaining({ text: '1' }));

    await comp.instance.readAll();
    expect(comp.data.items.every((m) => m.read)).toBe(true);
    expect(wx.removeTabBarBadge).toHaveBeenCalled();
    expect(comp.dom.innerHTML).not.toContain('全部标为已读');
  });

  test('says when there are none, and offers a retry on failure', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    fakeServer({ 'GET /me/messages': list([]), 'GET /me/messages/unread-count': () => [200, { count: 0 }] });
    const comp = page('messages');
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('还没有消息');
    fakeServer({ 'GET /me/messages': () => 'network' });
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('重试');
  });

  test('a course’s promotion or reminder opens 我的报名 with the enrolment and its QR code picked out', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    fakeServer({
      'GET /me/messages': list([message(), message({ id: 3, title: '明天上课', read: true, page: '/pages/course/mine/index?highlight=53' })]),
      'GET /me/messages/unread-count': () => [200, { count: 1 }],
      'POST /me/messages/read': () => [200, { count: 0 }],
      'GET /enrollments': list([
        { id: 52, course_id: 31, course_title: '缓解育儿焦虑', person_id: 3, person_name: '王小明', status: 'enrolled', waitlist_position: null, attended: [], certificate: false, qr: 'linli-enrollment:52' },
        { id: 53, course_id: 33, course_title: '少儿安全课', person_id: 12, person_name: '王小宝', status: 'enrolled', waitlist_position: null, attended: [], certificate: false, qr: 'linli-enrollment:53' },
      ]),
    });
    const comp = page('messages');
    comp.instance.onShow();
    await settle();
    await tap(comp, '.message', 0);
    expect(wx.switchTab).not.toHaveBeenCalled();
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/course/mine/index?highlight=52' });
    await tap(comp, '.message', 1);
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/course/mine/index?highlight=53' });

    const mine = page('course/mine');
    mine.instance.onLoad({ highlight: '53' });
    mine.instance.onShow();
    await settle();
    const picked = mine.querySelectorAll('.enrollment-new');
    expect(picked).toHaveLength(1);
    expect(picked[0].dom.innerHTML).toContain('少儿安全课');
    expect(picked[0].dom.innerHTML).toContain('上课时请出示此码签到');
  });
});
