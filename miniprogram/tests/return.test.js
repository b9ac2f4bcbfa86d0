// Journeys that leave a page and come back to it: filling in one's address from the booking page,
// adding a family member (or a child) from inside the booking and course pickers, and the lists
// that are read again when a page shows or is pulled down. Each is driven by taps on the
// rendered pages; coming back is WeChat calling the page's onShow.
const fs = require('fs');
const path = require('path');
const { fakeServer, page, settle } = require('./helpers');
const { tap, change, shown } = require('./taps');
const subscribe = require('../utils/subscribe');
const words = require('../utils/canteen');

const list = (items, next) => () => [200, { items, next_cursor: next || '' }];
const inHours = (h) => new Date(Date.now() + h * 3600 * 1000).toISOString().replace('Z', '+00:00');
const at = (h) => new Date(Date.now() + h * 3600 * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 19) + '+08:00';
const today = words.shanghaiDate();

// Enough pushes left of every template: no consent prompt in these journeys.
const enough = {};
['report_assigned', 'report_updated', 'course_update', 'meal_notice'].forEach((key) => {
  enough[key] = { template_id: 'tpl-' + key, remaining: 5, long_term: false };
});
const visitor = { id: 5, name: '', phone: null, community_id: null, roles: [], person_id: null, subscriptions: enough };
const resident = Object.assign({}, visitor, { name: '王小明', community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3 });
const self = { id: 3, community_id: 7, name: '王小明', guardianship: 'self', relation: 'self', building_id: 70, unit: '1单元', room: '301', age: 36 };
const mother = { id: 9, community_id: 7, name: '王秀英', guardianship: 'pending', relation: 'parent', building_id: 71, unit: '1单元', room: '102', age: 81 };
const child = { id: 12, community_id: 7, name: '王小宝', guardianship: 'pending', relation: 'child', building_id: 70, unit: '1单元', room: '301', age: 8 };

const slot = (over) => Object.assign({
  id: 11, canteen_id: 1, date: today, meal: 'lunch', dishes: [{ name: '红烧肉' }], capacity: 60, booked: 10, remaining: 50,
  price_fen: 1500, book_by: inHours(2), modes: ['eat_in', 'pickup', 'delivery'], closed: false, close_reason: '',
}, over);
const course = (over) => Object.assign({
  id: 31, community_id: 7, theme: '亲子成长', title: '少儿安全课', teacher: '林老师', description: '', audience: 'children', min_age: 6,
  max_age: 12, capacity: 30, enrolled: 12, waitlisted: 0, enroll_by: at(24), closed: false, certificate_sessions: 1,
  sessions: [{ index: 1, starts_at: at(48), ends_at: at(49.5), place: '家长大学教室' }],
}, over);

function signIn(user) {
  wx.setStorageSync('linli.token', 'lt_token');
  wx.setStorageSync('linli.user', user);
}

// everyone answers the routes of these journeys; persons() is who the server says the user acts
// for at the moment of the call, so a test changes it as the user adds someone.
function server(state, extra) {
  return fakeServer(Object.assign({
    'GET /persons': () => [200, { items: state.persons, next_cursor: '' }],
    'GET /meal-quote': (opts) => [200, { price_fen: 1500, subsidy_fen: opts.url.includes('person_id=9') ? 500 : 0, pay_fen: opts.url.includes('person_id=9') ? 1000 : 1500, subsidy_note: '' }],
    'GET /communities': list([{ id: 7, name: '中埂社区', lat: 29.4519, lng: 119.8923 }]),
    'GET /communities/7/buildings': list([{ id: 70, community_id: 7, name: '1幢' }, { id: 71, community_id: 7, name: '2幢' }]),
    'GET /app-config': () => [200, { subscribe_templates: {} }],
  }, extra));
}

function openBooking() {
  wx.setStorageSync('linli.bookingSlot', Object.assign(slot(), { label: '今天', mealName: '午餐', dishNames: '红烧肉', community_id: 7, canteen_name: '中埂邻里食堂' }));
  const book = page('canteen/book');
  book.instance.onLoad({ slot_id: '11' });
  book.instance.onShow();
  return book;
}

// registerMother fills in and sends the family form as a "+ 添加家人" tap opened it, for the
// user's mother; the form then goes back.
async function registerMother(calls) {
  const form = page('family/form');
  form.instance.onLoad({ pick: '1' });
  await settle();
  await change(form, '#field-name', '王秀英');
  await change(form, '#relation-picker', '0');
  await change(form, '#gender-picker', '1');
  await change(form, '#birth-picker', '1945-03-05');
  await change(form, '#community-picker', '0');
  await change(form, '#building-picker', '1');
  await change(form, '#field-unit', '1单元');
  await change(form, '#field-room', '102');
  await change(form, '#care-picker', '1');
  await tap(form, '#consent');
  await tap(form, '#submit');
  expect(calls.find((c) => c.key === 'POST /persons').data).toMatchObject({ name: '王秀英', relation: 'parent', building_id: 71 });
  expect(wx.navigateBack).toHaveBeenCalled();
}

beforeEach(() => {
  global.resetWx();
  subscribe.reset({});
});

describe('coming back to the booking page', () => {
  test('after filling in the address from it, it shows the user ready to book, not 请先填写您的住址', async () => {
    signIn(visitor);
    const state = { persons: [] };
    const calls = server(state, {
      'POST /meal-orders': () => [201, { id: 21, status: 'booked' }],
      'PUT /me/profile': () => {
        state.persons = [self];
        return [200, resident];
      },
    });
    const book = openBooking();
    await settle();
    expect(book.dom.innerHTML).toContain('请先填写您的住址');
    await tap(book, '#fill-profile');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/onboarding/index' });

    // The address, filled in on the onboarding page; WeChat then shows the booking page again.
    const onboarding = page('onboarding');
    onboarding.instance.onLoad();
    await settle();
    await change(onboarding, '#community-picker', '0');
    await change(onboarding, '#building-picker', '0');
    await change(onboarding, '#field-unit', '1单元');
    await change(onboarding, '#field-room', '301');
    await change(onboarding, '#field-name', '王小明');
    await tap(onboarding, '#submit');
    expect(calls.find((c) => c.key === 'PUT /me/profile').data).toEqual({ name: '王小明', community_id: 7, building_id: 70, unit: '1单元', room: '301' });
    expect(wx.navigateBack).toHaveBeenCalled();
    book.instance.onShow();
    await settle();
    expect(book.dom.innerHTML).not.toContain('请先填写您的住址');
    expect(book.dom.innerHTML).toContain('为谁订餐：王小明（本人）');
    await tap(book, '#submit');
    expect(calls.find((c) => c.key === 'POST /meal-orders').data).toMatchObject({ slot_id: 11, person_id: 3 });
  });

  test('+ 添加家人 in the picker goes to the family form and comes back with the new person picked', async () => {
    signIn(resident);
    const state = { persons: [self] };
    const calls = server(state, {
      'POST /persons': () => {
        state.persons = [self, mother];
        return [201, mother];
      },
      'POST /meal-orders': () => [201, { id: 21, status: 'booked' }],
    });
    const book = openBooking();
    await settle();
    expect(book.dom.innerHTML).toContain('为谁订餐：王小明（本人）');
    await tap(book, '#add-family');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/family/form/index?pick=1' });

    await registerMother(calls);

    // Back on the booking page: the mother is picked, with her price.
    book.instance.onShow();
    await settle();
    expect(book.dom.innerHTML).toContain('为谁订餐：王秀英（父母）');
    expect(book.dom.innerHTML).toContain('-5.00元');
    await tap(book, '#submit');
    expect(calls.find((c) => c.key === 'POST /meal-orders').data).toMatchObject({ person_id: 9 });
  });
});

describe('a child for a children’s course', () => {
  test('“+ 添加孩子” opens the form for children, which starts at home and asks no elder questions; the child comes back picked', async () => {
    signIn(resident);
    const state = { persons: [self] };
    const calls = server(state, {
      'GET /courses/31': () => [200, course()],
      'POST /persons': () => {
        state.persons = [self, child];
        return [201, child];
      },
      'POST /courses/31/enrollments': () => [201, { id: 52, status: 'enrolled' }],
    });
    const detail = page('course/detail');
    detail.instance.onLoad({ id: '31' });
    detail.instance.onShow();
    await settle();
    expect(detail.dom.innerHTML).toContain('+ 添加孩子');
    await tap(detail, '#add-family');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/family/form/index?pick=1&kind=child' });

    const form = page('family/form');
    form.instance.onLoad({ pick: '1', kind: 'child' });
    await settle();
    expect(wx.setNavigationBarTitle).toHaveBeenLastCalledWith({ title: '添加孩子' });
    const html = form.dom.innerHTML;
    for (const elderOnly of ['独自居住', '失能', '身体状况', '紧急联系人']) {
      expect(html).not.toContain(elderOnly);
    }
    // The address starts as the user's own.
    expect(html).toContain('社区：中埂社区');
    expect(html).toContain('楼栋：1幢');
    expect(form.data.form).toMatchObject({ unit: '1单元', room: '301' });
    expect(form.data.relations.map((r) => r.label)).toEqual(['子女', '孙辈']);
    await change(form, '#field-name', '王小宝');
    await change(form, '#relation-picker', '0');
    await change(form, '#gender-picker', '0');
    await change(form, '#birth-picker', '2018-05-01');
    await tap(form, '#consent');
    await tap(form, '#submit');
    expect(calls.find((c) => c.key === 'POST /persons').data).toEqual({
      name: '王小宝', building_id: 70, unit: '1单元', room: '301', living_alone: false, care_level: 'self_care', diet_notes: '',
      gender: 'male', birth_date: '2018-05-01', emergency_contacts: [], relation: 'child', consent: true,
    });

    detail.instance.onShow();
    await settle();
    expect(detail.dom.innerHTML).toContain('为谁报名：王小宝（子女）');
    await tap(detail, '#enroll');
    expect(calls.filter((c) => c.key === 'POST /courses/31/enrollments').map((c) => c.data)).toEqual([{ person_id: 12 }]);
  });

  test('a course for parents offers “+ 添加家人” with the ordinary form, and enrols the one added at the first tap', async () => {
    signIn(resident);
    const state = { persons: [self] };
    const calls = server(state, {
      'GET /courses/32': () => [200, course({ id: 32, title: '缓解育儿焦虑', audience: 'parents', min_age: null, max_age: null })],
      'POST /persons': () => {
        state.persons = [self, mother];
        return [201, mother];
      },
      'POST /courses/32/enrollments': () => [201, { id: 53, status: 'enrolled' }],
    });
    const detail = page('course/detail');
    detail.instance.onLoad({ id: '32' });
    detail.instance.onShow();
    await settle();
    expect(detail.querySelector('#add-family').dom.innerHTML).toContain('+ 添加家人');
    await tap(detail, '#add-family');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/family/form/index?pick=1' });
    await registerMother(calls);
    detail.instance.onShow();
    await settle();
    expect(detail.dom.innerHTML).toContain('为谁报名：王秀英（父母）');
    await tap(detail, '#enroll');
    expect(calls.filter((c) => c.key === 'POST /courses/32/enrollments').map((c) => c.data)).toEqual([{ person_id: 9 }]);
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/course/mine/index?highlight=53' });
  });

  test('the 家长大学 tab shows a child just added when it shows again', async () => {
    signIn(resident);
    const state = { persons: [self] };
    server(state, {
      'GET /course-themes': list([{ theme: '亲子成长', courses: 1 }]),
      'GET /courses': list([course()]),
    });
    const tab = page('course');
    tab.instance.onShow();
    await settle();
    expect(shown(tab, '#acting')).toBe(false);
    state.persons = [self, child];
    tab.instance.onShow();
    await settle();
    expect(tab.dom.innerHTML).toContain('为谁报名：王小明（本人）');
    await change(tab, '#acting-picker', '1');
    expect(tab.dom.innerHTML).toContain('为谁报名：王小宝（子女）');
  });
});

describe('lists read again', () => {
  test('the menu’s seats are read again when the tab shows, keeping the day shown', async () => {
    signIn(resident);
    let remaining = 50;
    server({ persons: [self] }, {
      'GET /canteens': list([{ id: 1, community_id: 7, name: '中埂邻里食堂', address: '' }]),
      'GET /canteens/1/slots': () => list([slot({ remaining }), slot({ id: 12, date: words.shanghaiDate(Date.now() + 86400000), remaining })])(),
    });
    const menu = page('canteen');
    menu.instance.onShow();
    await settle();
    await tap(menu, '.chip', 1);
    expect(menu.dom.innerHTML).toContain('剩 50 份');
    remaining = 49;
    menu.instance.onShow();
    await settle();
    expect(menu.data.dayIndex).toBe(1);
    expect(menu.dom.innerHTML).toContain('剩 49 份');
    expect(menu.dom.innerHTML).not.toContain('加载中');
  });

  test('every list page pulls down to read again, and stops the spinner', async () => {
    const lists = ['home', 'canteen', 'canteen/orders', 'canteen/rider', 'canteen/counter', 'course', 'course/mine', 'course/checkin',
      'report', 'report/task', 'family', 'messages', 'review'];
    for (const name of lists) {
      const json = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'pages', name, 'index.json'), 'utf8'));
      expect([name, json.enablePullDownRefresh]).toEqual([name, true]);
    }
    signIn(Object.assign({}, resident, { roles: [{ community_id: 7, role: 'staff' }, { community_id: 7, role: 'volunteer' }] }));
    const empty = () => [200, { items: [], next_cursor: '', buildings: [], slots: [] }];
    for (const name of lists) {
      const calls = fakeServer(new Proxy({}, { get: () => empty }));
      const comp = page(name);
      if (comp.instance.onLoad) comp.instance.onLoad({ canteen_id: '1' });
      if (comp.instance.onShow) comp.instance.onShow();
      await settle();
      const before = calls.length;
      wx.stopPullDownRefresh.mockClear();
      await comp.instance.onPullDownRefresh();
      expect([name, calls.length > before]).toEqual([name, true]);
      expect([name, wx.stopPullDownRefresh.mock.calls.length]).toEqual([name, 1]);
    }
  });

  test('every list page reads its list again when it shows again (coming back to it)', async () => {
    const lists = ['home', 'canteen', 'canteen/orders', 'canteen/rider', 'canteen/counter', 'course', 'course/mine', 'course/checkin',
      'report', 'report/task', 'family', 'messages', 'review'];
    signIn(Object.assign({}, resident, { roles: [{ community_id: 7, role: 'staff' }, { community_id: 7, role: 'volunteer' }] }));
    const empty = () => [200, { items: [], next_cursor: '', buildings: [], slots: [] }];
    for (const name of lists) {
      const calls = fakeServer(new Proxy({}, { get: () => empty }));
      const comp = page(name);
      if (comp.instance.onLoad) comp.instance.onLoad({ canteen_id: '1' });
      if (comp.instance.onShow) comp.instance.onShow();
      await settle();
      const first = calls.length;
      expect([name, first > 0]).toEqual([name, true]);
      // Shown again: back from another page, or from WeChat's scanner.
      if (comp.instance.onShow) comp.instance.onShow();
      await settle();
      expect([name, calls.length > first]).toEqual([name, true]);
      expect([name, comp.dom.innerHTML.includes('加载中')]).toEqual([name, false]);
    }
  });

  test('pulling my orders down shows a new order without blanking the list', async () => {
    signIn(resident);
    const order = (id) => ({ id, status: 'booked', person_name: '王小明', canteen_name: '中埂邻里食堂', date: today, meal: 'lunch', mode: 'pickup',
      price_fen: 1500, subsidy_fen: 0, pay_fen: 1500, pickup_code: '04251' + id, cancellable: true });
    let items = [order(1)];
    fakeServer({ 'GET /meal-orders': () => list(items)() });
    const orders = page('canteen/orders');
    orders.instance.onShow();
    await settle();
    expect(orders.querySelectorAll('.order')).toHaveLength(1);
    items = [order(2), order(1)];
    const pulled = orders.instance.onPullDownRefresh();
    expect(orders.dom.innerHTML).not.toContain('加载中');
    await pulled;
    expect(orders.querySelectorAll('.order')).toHaveLength(2);
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
  });
});
