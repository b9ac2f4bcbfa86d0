// A visitor who has joined no community chooses theirs first (by name, or the nearest when they
// let WeChat tell where they are), never shown the first of the list; switching changes what the
// home, canteen, report and course tabs show.
const { fakeServer, page, settle } = require('./helpers');
const { tap, change, shown } = require('./taps');
const community = require('../utils/community');
const words = require('../utils/canteen');

const list = (items) => () => [200, { items, next_cursor: '' }];
const inHours = (h) => new Date(Date.now() + h * 3600 * 1000).toISOString().replace('Z', '+00:00');
const today = words.shanghaiDate();
const visitor = { id: 5, name: '', phone: null, community_id: null, roles: [], person_id: null };

// Two communities on the map, one not placed; each has a canteen with today's lunch, and courses.
const communities = [
  { id: 1, name: '中埂社区', lat: 29.4519, lng: 119.8923 },
  { id: 2, name: '西街社区', lat: 29.2890, lng: 120.2410 },
  { id: 3, name: '新建社区', lat: null, lng: null },
];
const of = (opts) => Number((/community_id=(\d+)/.exec(opts.url) || [])[1] || 0);
const dishes = { 1: '红烧肉', 2: '东阳沃面' };
const routes = {
  'GET /communities': list(communities),
  'GET /persons': list([]),
  'GET /canteens': (opts) => list([{ id: 10 + of(opts), community_id: of(opts), name: communities[of(opts) - 1].name.replace('社区', '') + '邻里食堂', address: '' }])(),
  'GET /canteens/11/slots': list([{ id: 111, canteen_id: 11, date: today, meal: 'lunch', dishes: [{ name: dishes[1] }], capacity: 9, booked: 0, remaining: 9, price_fen: 1000, book_by: inHours(2), modes: ['eat_in'], closed: false }]),
  'GET /canteens/12/slots': list([{ id: 121, canteen_id: 12, date: today, meal: 'lunch', dishes: [{ name: dishes[2] }], capacity: 9, booked: 0, remaining: 9, price_fen: 1000, book_by: inHours(2), modes: ['eat_in'], closed: false }]),
  'GET /course-themes': (opts) => list([{ theme: of(opts) === 1 ? '亲子沟通' : '书法', courses: 1 }])(),
  'GET /courses': list([]),
};

beforeEach(() => {
  global.resetWx();
  wx.setStorageSync('linli.token', 'lt_token');
  wx.setStorageSync('linli.user', visitor);
});

describe('a visitor with no community', () => {
  test('is asked to choose it first on every tab, and shown no community’s menu meanwhile', async () => {
    const calls = fakeServer(routes);
    for (const name of ['home', 'canteen', 'course']) {
      const comp = page(name);
      comp.instance.onShow();
      await settle();
      expect([name, shown(comp, '#need-place')]).toEqual([name, true]);
      await tap(comp, '#choose-community');
      expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/community/index' });
    }
    expect(calls.some((c) => c.key === 'GET /canteens' || c.key === 'GET /course-themes')).toBe(false);
  });

  test('finds theirs by name', async () => {
    fakeServer(routes);
    const comp = page('community');
    comp.instance.onLoad();
    await settle();
    expect(comp.querySelectorAll('.community')).toHaveLength(3);
    await change(comp, '#query', '西街');
    expect(comp.querySelectorAll('.community')).toHaveLength(1);
    await change(comp, '#query', '没有这个');
    expect(comp.dom.innerHTML).toContain('没有找到这个名称的社区');
    await change(comp, '#query', '');
    await tap(comp, '.community', 1);
    expect(community.place()).toEqual({ id: 2, name: '西街社区' });
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test('or the nearest, when they let WeChat tell where they are', async () => {
    fakeServer(routes);
    const comp = page('community');
    comp.instance.onLoad();
    await settle();
    // Standing in Dongyang, near 西街.
    wx.getLocation.mockImplementation(({ success, complete }) => {
      success({ latitude: 29.2800, longitude: 120.2400 });
      complete();
    });
    await tap(comp, '#locate');
    expect(wx.getLocation.mock.calls[0][0].type).toBe('gcj02');
    const near = comp.querySelector('#near').dom.innerHTML;
    expect(near).toContain('西街社区');
    expect(near).toContain('1.0 公里');
    await tap(comp, '#near');
    expect(community.place()).toEqual({ id: 2, name: '西街社区' });
  });

  test('a refusal to tell the location is explained, and choosing by name still works', async () => {
    fakeServer(routes);
    const comp = page('community');
    comp.instance.onLoad();
    await settle();
    wx.getLocation.mockImplementation(({ fail, complete }) => {
      fail({ errMsg: 'getLocation:fail auth deny' });
      complete();
    });
    await tap(comp, '#locate');
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '需要位置信息权限', confirmText: '去设置' });
    expect(wx.showModal.mock.calls[0][0].content).toContain('按名称');
    expect(shown(comp, '#near')).toBe(false);
    expect(comp.data.locating).toBe(false);
    await tap(comp, '.community', 0);
    expect(community.place()).toEqual({ id: 1, name: '中埂社区' });
  });

  test('switching community changes what the home, canteen, report and course tabs show', async () => {
    const calls = fakeServer(routes);
    community.setPlace(communities[0]);
    const home = page('home');
    const menu = page('canteen');
    const courses = page('course');
    const reports = page('report');
    for (const tab of [home, menu, courses, reports]) {
      tab.instance.onShow();
    }
    await settle();
    expect(home.dom.innerHTML).toContain('中埂社区（点击切换）');
    expect(home.querySelector('#today-menu').dom.innerHTML).toContain('红烧肉');
    expect(menu.dom.innerHTML).toContain('中埂邻里食堂');
    expect(courses.dom.innerHTML).toContain('亲子沟通');
    expect(reports.querySelector('#place').dom.innerHTML).toContain('中埂社区');

    // From the home tab, to the 选择社区 page, and back.
    await tap(home, '#community');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/community/index' });
    const chooser = page('community');
    chooser.instance.onLoad();
    await settle();
    expect(chooser.querySelectorAll('.current')).toHaveLength(1);
    await tap(chooser, '.community', 1);
    for (const tab of [home, menu, courses, reports]) {
      tab.instance.onShow();
    }
    await settle();
    expect(home.dom.innerHTML).toContain('西街社区（点击切换）');
    expect(home.querySelector('#today-menu').dom.innerHTML).toContain('东阳沃面');
    expect(menu.dom.innerHTML).toContain('西街邻里食堂');
    expect(menu.dom.innerHTML).toContain('东阳沃面');
    expect(courses.dom.innerHTML).toContain('书法');
    expect(reports.querySelector('#place').dom.innerHTML).toContain('西街社区');
    expect(calls.filter((c) => c.key === 'GET /canteens').pop().url).toContain('community_id=2');
  });

  test('their address, when they fill it in, starts from the community they chose', async () => {
    fakeServer(Object.assign({}, routes, { 'GET /communities/2/buildings': list([{ id: 20, community_id: 2, name: '西街1幢' }]) }));
    community.setPlace(communities[1]);
    const comp = page('onboarding');
    comp.instance.onLoad();
    await settle();
    expect(comp.dom.innerHTML).toContain('社区：西街社区');
    expect(comp.data.buildings.map((b) => b.name)).toEqual(['西街1幢']);
  });
});

describe('distances', () => {
  test('the nearest placed community, in words', () => {
    const best = community.nearest(communities, 29.4519, 119.8923);
    expect(best.community.id).toBe(1);
    expect(best.metres).toBeLessThan(1);
    expect(community.nearest([communities[2]], 29, 120)).toBeNull();
    expect(community.far(850)).toBe('850 米');
    expect(community.far(12345)).toBe('12.3 公里');
    // 中埂 to 西街 is about 38 km as the crow flies.
    expect(Math.round(community.distance(29.4519, 119.8923, 29.289, 120.241) / 1000)).toBe(38);
  });
});

describe('care mode', () => {
  test('the new pages honour it', () => {
    require('../utils/care').set(true);
    for (const name of ['community', 'report/task/detail']) {
      const comp = page(name);
      expect([name, comp.data.care]).toEqual([name, true]);
      expect(comp.dom.innerHTML).toContain('care');
    }
  });
});
