// Relatives forward a menu or a course (onShareAppMessage); what they forward opens on the same
// community's menu, or the same course. And one name, 家长大学, for the parent university.
const fs = require('fs');
const path = require('path');
const { fakeServer, page, settle } = require('./helpers');
const { tap, shown } = require('./taps');
const words = require('../utils/canteen');

const list = (items) => () => [200, { items, next_cursor: '' }];
const inHours = (h) => new Date(Date.now() + h * 3600 * 1000).toISOString().replace('Z', '+00:00');
const at = (h) => new Date(Date.now() + h * 3600 * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 19) + '+08:00';
const resident = { id: 5, name: '王小明', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3 };
const visitor = { id: 6, name: '', phone: null, community_id: null, roles: [], person_id: null };
const of = (opts) => Number((/community_id=(\d+)/.exec(opts.url) || [])[1] || 0);
const routes = {
  'GET /persons': list([]),
  'GET /canteens': (opts) => list([{ id: of(opts), community_id: of(opts), name: of(opts) === 7 ? '中埂邻里食堂' : '西街邻里食堂', address: '' }])(),
  'GET /canteens/7/slots': list([{ id: 11, canteen_id: 7, date: words.shanghaiDate(), meal: 'lunch', dishes: [{ name: '红烧肉' }], capacity: 9, booked: 0, remaining: 9, price_fen: 1000, book_by: inHours(2), modes: ['eat_in'], closed: false }]),
  'GET /canteens/2/slots': list([]),
};

beforeEach(() => {
  global.resetWx();
  wx.setStorageSync('linli.token', 'lt_token');
});

describe('sharing', () => {
  test('a menu is shared with its community, and opens on it for the relative who gets it', async () => {
    wx.setStorageSync('linli.user', resident);
    fakeServer(routes);
    const menu = page('canteen');
    menu.instance.onShow();
    await settle();
    expect(menu.querySelector('#share').data.openType).toBe('share');
    await tap(menu, '#share');
    expect(menu.instance.onShareAppMessage({ from: 'button' })).toEqual({ title: '中埂邻里食堂本周菜单，可替家人订餐', path: '/pages/canteen/index?community_id=7' });

    // The son, who has chosen no community, opens what his mother forwarded.
    global.resetWx();
    wx.setStorageSync('linli.token', 'lt_token');
    wx.setStorageSync('linli.user', visitor);
    const calls = fakeServer(routes);
    const shared = page('canteen');
    shared.instance.onLoad({ community_id: '7' });
    shared.instance.onShow();
    await settle();
    expect(shared.dom.innerHTML).toContain('家人分享的菜单');
    expect(shared.dom.innerHTML).toContain('中埂邻里食堂');
    expect(shared.dom.innerHTML).toContain('红烧肉');
    expect(shown(shared, '#need-place')).toBe(false);
    expect(calls.find((c) => c.key === 'GET /canteens').url).toContain('community_id=7');
    // Leaving it, he is asked for his own community.
    await tap(shared, '#leave-shared');
    expect(shown(shared, '#need-place')).toBe(true);
  });

  test('a course is shared by its page, and opens there', async () => {
    wx.setStorageSync('linli.user', resident);
    fakeServer({
      'GET /persons': list([]),
      'GET /courses/31': () => [200, {
        id: 31, community_id: 7, theme: '亲子沟通', title: '缓解育儿焦虑', teacher: '林老师', description: '', audience: 'parents', min_age: null,
        max_age: null, capacity: 30, enrolled: 1, waitlisted: 0, enroll_by: at(24), closed: false, certificate_sessions: 1,
        sessions: [{ index: 1, starts_at: at(48), ends_at: at(49), place: '家长大学教室' }],
      }],
    });
    const detail = page('course/detail');
    detail.instance.onLoad({ id: '31' });
    detail.instance.onShow();
    await settle();
    expect(detail.querySelector('#share').data.openType).toBe('share');
    await tap(detail, '#share');
    expect(detail.instance.onShareAppMessage({ from: 'button' })).toEqual({ title: '缓解育儿焦虑｜家长大学', path: '/pages/course/detail/index?id=31' });
  });
});

describe('one name: 家长大学', () => {
  function texts(dir) {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return texts(p);
      return /\.(js|wxml|json)$/.test(e.name) ? [[p, fs.readFileSync(p, 'utf8')]] : [];
    });
  }

  test('no page, component or message of the app calls the parent university by another name', () => {
    const root = path.join(__dirname, '..');
    const all = ['pages', 'components', 'utils', 'behaviors'].flatMap((d) => texts(path.join(root, d)))
      .concat([[path.join(root, 'app.json'), fs.readFileSync(path.join(root, 'app.json'), 'utf8')]]);
    const other = all.filter(([, text]) => /课堂|家长课堂|家长学校|家长课程/.test(text)).map(([p]) => path.relative(root, p));
    expect(other).toEqual([]);
    const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'));
    expect(app.tabBar.list.find((t) => t.pagePath === 'pages/course/index').text).toBe('家长大学');
  });

  test('the home page and the tab say 家长大学', async () => {
    wx.setStorageSync('linli.user', resident);
    fakeServer({ 'GET /persons': list([]), 'GET /communities': list([{ id: 7, name: '中埂社区' }]), 'GET /canteens': list([]) });
    const home = page('home');
    home.instance.onShow();
    await settle();
    expect(home.querySelectorAll('.entry')[2].dom.innerHTML).toContain('家长大学');
    await tap(home, '.entry', 2);
    expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/course/index' });
  });
});
