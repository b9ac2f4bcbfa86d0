// Relatives anywhere: a guardian who lives in another community, or in none (a son working in
// Hangzhou), books, reports and enrols for an elder; the pages follow the elder's community.
const { fakeServer, page, settle, tapAsksFirst } = require('./helpers');
const { tap, change } = require('./taps');
const subscribe = require('../utils/subscribe');
const words = require('../utils/canteen');

// Enough pushes left of every template: no consent prompt in these flows.
const enough = {};
['report_assigned', 'report_updated', 'course_update', 'meal_notice'].forEach((key) => {
  enough[key] = { template_id: 'tpl-' + key, remaining: 5, long_term: false };
});
const son = { id: 6, name: '王强', phone: null, community_id: null, roles: [], person_id: null, subscriptions: enough };
const neighbour = Object.assign({}, son, { community_id: 2, roles: [{ community_id: 2, role: 'resident' }], person_id: 4 });
const mother = { id: 9, community_id: 1, name: '王秀英', guardianship: 'approved', relation: 'parent', building_id: 10, verified: true };
const self = { id: 4, community_id: 2, name: '王强', guardianship: 'self', relation: 'self', building_id: 20, verified: true };

const list = (items) => () => [200, { items, next_cursor: '' }];
const of = (opts) => Number((/community_id=(\d+)/.exec(opts.url) || [])[1] || 0);
const inHours = (h) => new Date(Date.now() + h * 3600 * 1000).toISOString().replace('Z', '+00:00');
const at = (h) => new Date(Date.now() + h * 3600 * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 19) + '+08:00';

const slot = (id, canteenID) => ({
  id, canteen_id: canteenID, date: words.shanghaiDate(), meal: 'lunch', dishes: [{ name: '红烧肉' }], capacity: 60, booked: 10,
  remaining: 50, price_fen: 1500, book_by: inHours(2), modes: ['eat_in', 'pickup', 'delivery'], closed: false, close_reason: '',
});
const course = (id, communityID) => ({
  id, community_id: communityID, theme: '健康', title: communityID === 1 ? '中埂太极' : '西街书法', teacher: '林老师', description: '',
  audience: 'parents', min_age: null, max_age: null, capacity: 30, enrolled: 1, waitlisted: 0, enroll_by: at(24), closed: false,
  certificate_sessions: 1, sessions: [{ index: 1, starts_at: at(48), ends_at: at(49), place: '活动室' }],
});

// The server as these pages meet it: two communities, each with its canteen, buildings,
// categories and courses.
function server(persons, extra) {
  return fakeServer(Object.assign({
    'GET /persons': list(persons),
    'GET /me': () => [200, wx.getStorageSync('linli.user')],
    'GET /communities': list([{ id: 1, name: '中埂社区' }, { id: 2, name: '西街社区' }]),
    'GET /canteens': (opts) => list([{ id: 100 * of(opts), community_id: of(opts), name: of(opts) === 1 ? '中埂邻里食堂' : '西街邻里食堂', address: '' }])(),
    'GET /canteens/100/slots': list([slot(11, 100)]),
    'GET /canteens/200/slots': list([slot(21, 200)]),
    'GET /meal-quote': () => [200, { price_fen: 1500, subsidy_fen: 0, pay_fen: 1500, subsidy_note: '' }],
    'POST /meal-orders': (opts) => [201, { id: 31, status: 'booked', slot_id: opts.data.slot_id, person_id: opts.data.person_id }],
    'GET /report-categories': (opts) => list([{ key: of(opts) === 1 ? 'repair' : 'west', name: '设施报修', level: 'major' }])(),
    'GET /communities/1/buildings': list([{ id: 10, community_id: 1, name: '中埂1幢' }, { id: 11, community_id: 1, name: '中埂2幢' }]),
    'GET /communities/2/buildings': list([{ id: 20, community_id: 2, name: '西街1幢' }]),
    'POST /reports': () => [201, { id: 77, status: 'submitted' }],
    'GET /course-themes': list([{ theme: '健康', courses: 1 }]),
    'GET /courses': (opts) => list([course(of(opts) * 10, of(opts))])(),
    'GET /courses/10': () => [200, course(10, 1)],
    'POST /courses/10/enrollments': () => [201, { id: 52, status: 'enrolled' }],
  }, extra));
}

function signIn(user) {
  wx.setStorageSync('linli.token', 'lt_token');
  wx.setStorageSync('linli.user', user);
}

beforeEach(() => {
  global.resetWx();
  subscribe.reset({});
});

describe('a guardian who joined no community', () => {
  beforeEach(() => signIn(son));

  test('books a meal for his mother from her community’s canteen', async () => {
    const calls = server([mother]);
    const menu = page('canteen');
    menu.instance.onShow();
    await settle();
    expect(menu.dom.innerHTML).toContain('为谁订餐：王秀英（父母）');
    expect(menu.dom.innerHTML).toContain('中埂邻里食堂');
    expect(calls.find((c) => c.key === 'GET /canteens').url).toContain('community_id=1');
    expect(calls.some((c) => c.key === 'GET /communities')).toBe(false);
    await tap(menu, '.book', 0);
    expect(wx.getStorageSync('linli.bookingSlot').community_id).toBe(1);

    const book = page('canteen/book');
    book.instance.onLoad({ slot_id: '11' });
    book.instance.onShow();
    await settle();
    expect(book.dom.innerHTML).toContain('为谁订餐：王秀英（父母）');
    await tap(book, '#submit');
    expect(calls.find((c) => c.key === 'POST /meal-orders').data).toEqual({ slot_id: 11, person_id: 9, mode: 'eat_in', note: '' });
    expect(wx.navigateTo).not.toHaveBeenCalledWith({ url: '/pages/onboarding/index' });
  });

  test('booking for his mother asks for the meal notices first, straight from the tap', async () => {
    const low = Object.assign({}, enough, { meal_notice: { template_id: 'tpl-meal_notice', remaining: 0, long_term: false } });
    signIn(Object.assign({}, son, { subscriptions: low }));
    subscribe.reset({ meal_notice: 'tpl-meal_notice' });
    const calls = server([mother], {
      'POST /me/subscriptions': () => [200, { consents: [{ template_id: 'tpl-meal_notice', remaining: 1 }] }],
    });
    wx.setStorageSync('linli.bookingSlot', Object.assign(slot(11, 100), { community_id: 1, label: '今天', mealName: '午餐', dishNames: '红烧肉' }));
    const book = page('canteen/book');
    book.instance.onLoad({ slot_id: '11' });
    book.instance.onShow();
    await settle();
    expect(book.dom.innerHTML).toContain('为谁订餐：王秀英（父母）');
    expect(book.querySelector('#consent-note').dom.innerHTML).toContain('订餐提醒');
    wx.requestSubscribeMessage.mockImplementation(({ tmplIds, success }) => success({ [tmplIds[0]]: 'accept', errMsg: 'requestSubscribeMessage:ok' }));
    await tapAsksFirst(() => book.instance.submit());
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-meal_notice']);
    expect(calls.find((c) => c.key === 'POST /meal-orders').data).toMatchObject({ slot_id: 11, person_id: 9 });
  });

  test('reports for his mother, at her building, without filling in his own address', async () => {
    const calls = server([mother]);
    const tab = page('report');
    await tap(tab, '#start');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/report/form/index' });
    expect(wx.navigateTo).not.toHaveBeenCalledWith({ url: '/pages/onboarding/index' });

    const form = page('report/form');
    form.instance.onShow();
    await settle();
    expect(calls.find((c) => c.key === 'GET /report-categories').url).toContain('community_id=1');
    expect(calls.some((c) => c.key === 'GET /communities/1/buildings')).toBe(true);
    expect(form.dom.innerHTML).toContain('为谁报事：王秀英（父母）');
    expect(form.dom.innerHTML).toContain('楼栋：中埂1幢');
    await change(form, '#category-picker', '0');
    await change(form, '#description', '家里水管漏水');
    await tap(form, '#submit');
    expect(calls.find((c) => c.key === 'POST /reports').data).toMatchObject({ category: 'repair', building_id: 10, person_id: 9 });
  });

  test('still goes to onboarding when there is nobody to act for', async () => {
    server([]);
    const tab = page('report');
    await tap(tab, '#start');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/onboarding/index' });
  });

  test('enrols his mother in a course of her community', async () => {
    const calls = server([mother]);
    const courses = page('course');
    courses.instance.onShow();
    await settle();
    expect(courses.dom.innerHTML).toContain('为谁报名：王秀英（父母）');
    expect(calls.find((c) => c.key === 'GET /course-themes').url).toContain('community_id=1');
    expect(calls.find((c) => c.key === 'GET /courses').url).toContain('community_id=1');
    expect(courses.dom.innerHTML).toContain('中埂太极');
    await tap(courses, '.course', 0);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/course/detail/index?id=10' });

    const detail = page('course/detail');
    detail.instance.onLoad({ id: '10' });
    detail.instance.onShow();
    await settle();
    expect(detail.dom.innerHTML).toContain('为谁报名：王秀英（父母）');
    await tap(detail, '#enroll');
    expect(calls.filter((c) => c.key === 'POST /courses/10/enrollments').map((c) => c.data)).toEqual([{ person_id: 9 }]);
  });
});

describe('a guardian of another community', () => {
  beforeEach(() => signIn(neighbour));

  test('books for his mother: picking her shows her community’s canteen, and only she can eat there', async () => {
    const calls = server([self, mother]);
    const menu = page('canteen');
    menu.instance.onShow();
    await settle();
    expect(menu.dom.innerHTML).toContain('西街邻里食堂');
    await change(menu, '#acting-picker', '1');
    expect(calls.filter((c) => c.key === 'GET /canteens').pop().url).toContain('community_id=1');
    expect(menu.dom.innerHTML).toContain('中埂邻里食堂');
    await tap(menu, '.book', 0);

    const book = page('canteen/book');
    book.instance.onLoad({ slot_id: '11' });
    book.instance.onShow();
    await settle();
    expect(book.data.persons.map((p) => p.id)).toEqual([9]);
    await tap(book, '#submit');
    expect(calls.find((c) => c.key === 'POST /meal-orders').data).toMatchObject({ slot_id: 11, person_id: 9 });

    // The other pages now act for her too.
    const courses = page('course');
    courses.instance.onShow();
    await settle();
    expect(calls.filter((c) => c.key === 'GET /courses').pop().url).toContain('community_id=1');
  });

  test('reports for his mother: picking her loads her community’s buildings and categories', async () => {
    const calls = server([self, mother]);
    const form = page('report/form');
    form.instance.onShow();
    await settle();
    expect(form.dom.innerHTML).toContain('西街1幢');
    expect(calls.find((c) => c.key === 'GET /report-categories').url).toContain('community_id=2');
    await change(form, '#person-picker', '1');
    expect(calls.filter((c) => c.key === 'GET /report-categories').pop().url).toContain('community_id=1');
    expect(form.dom.innerHTML).toContain('楼栋：中埂1幢');
    await change(form, '#building-picker', '1');
    await change(form, '#category-picker', '0');
    await change(form, '#description', '楼道灯坏了');
    await tap(form, '#submit');
    expect(calls.find((c) => c.key === 'POST /reports').data).toMatchObject({ category: 'repair', building_id: 11, person_id: 9 });
  });

  test('enrols his mother: picking her shows her community’s courses', async () => {
    const calls = server([self, mother]);
    const courses = page('course');
    courses.instance.onShow();
    await settle();
    expect(courses.dom.innerHTML).toContain('西街书法');
    await change(courses, '#acting-picker', '1');
    expect(calls.filter((c) => c.key === 'GET /courses').pop().url).toContain('community_id=1');
    expect(courses.dom.innerHTML).toContain('中埂太极');
    await tap(courses, '.course', 0);

    const detail = page('course/detail');
    detail.instance.onLoad({ id: '10' });
    detail.instance.onShow();
    await settle();
    expect(detail.data.persons.map((p) => p.id)).toEqual([9]);
    await tap(detail, '#enroll');
    expect(calls.filter((c) => c.key === 'POST /courses/10/enrollments').map((c) => c.data)).toEqual([{ person_id: 9 }]);
  });

  test('a menu of a community where nobody of his lives says so on booking', async () => {
    server([self]);
    wx.setStorageSync('linli.bookingSlot', Object.assign(slot(11, 100), { community_id: 1, label: '今天', mealName: '午餐', dishNames: '红烧肉' }));
    const book = page('canteen/book');
    book.instance.onLoad({ slot_id: '11' });
    book.instance.onShow();
    await settle();
    expect(book.querySelector('#elsewhere').dom.innerHTML).toContain('不在您或家人住的社区');
    expect(book.querySelectorAll('#submit')).toHaveLength(0);
  });
});
