const { fakeServer, page, settle } = require('./helpers');
const { at, course } = require('./records');
const { tap, change } = require('./taps');
const words = require('../utils/course');

const me = { id: 5, name: '王小明', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3 };
const staff = Object.assign({}, me, { roles: [{ community_id: 7, role: 'staff' }] });
const list = (items, next) => () => [200, { items, next_cursor: next || '' }];
const error = (status, code, message) => () => [status, { error: { code, message, request_id: 'r' } }];

const enrollment = (over) => Object.assign({
  id: 51, course_id: 31, course_title: '缓解育儿焦虑', person_id: 3, person_name: '王小明', status: 'enrolled', waitlist_position: null,
  attended: [], certificate: false, qr: 'linli-enrollment:51', created_at: at(0),
}, over);

beforeEach(() => global.resetWx());

describe('course words', () => {
  test('seats, states and the check-in code', () => {
    const open = words.decorate(course(), Date.now());
    expect(open).toMatchObject({ open: true, full: false, state: '报名', seats: '已报 12/30', audienceName: '家长' });
    expect(open.sessionLines[0].text).toContain('第1次');
    const full = words.decorate(course({ enrolled: 30, waitlisted: 4 }), Date.now());
    expect(full).toMatchObject({ open: true, full: true, state: '满员，加入候补', seats: '已报 30/30，候补 4 人' });
    expect(words.decorate(course({ enroll_by: at(-1) }), Date.now()).state).toBe('报名已截止');
    expect(words.decorate(course({ audience: 'children', min_age: 6, max_age: 12 })).audienceName).toBe('6–12岁孩子');
    expect(words.enrollment(enrollment({ status: 'waitlisted', waitlist_position: 3 }))).toMatchObject({ statusName: '候补第 3 位', cancelText: '退出候补' });
    expect(words.enrollmentID('linli-enrollment:51')).toBe(51);
    expect(words.enrollmentID('042517')).toBe(0);
    expect(words.enrollmentID('linli-enrollment:abc')).toBe(0);
  });
});

describe('家长大学', () => {
  test('themes and courses are browsable before sign-up, and filter by theme', async () => {
    wx.setStorageSync('linli.community', { id: 7, name: '中埂社区' });
    const calls = fakeServer({
      'GET /communities': list([{ id: 7, name: '中埂社区' }]),
      'GET /course-themes': list([{ theme: '家长成长', courses: 1 }, { theme: '运动健康', courses: 1 }]),
      'GET /courses': (opts) => (opts.url.includes('theme=')
        ? list([course({ id: 32, theme: '运动健康', title: '少儿体能游戏', audience: 'children', min_age: 6, max_age: 12 })])()
        : list([course(), course({ id: 33, title: '二孩家庭的相处', capacity: 2, enrolled: 2, waitlisted: 1 })], 'next')()),
    });
    const comp = page('course');
    comp.instance.onShow();
    await settle();
    expect(calls.every((c) => !c.header.Authorization)).toBe(true);
    let html = comp.dom.innerHTML;
    for (const text of ['家长成长（1）', '缓解育儿焦虑', '林老师', '已报 12/30', '可报名', '可候补', '加载更多']) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain('上课签到');
    await tap(comp, '.chip', 2);
    expect(calls[calls.length - 1].url).toContain('theme=' + encodeURIComponent('运动健康'));
    html = comp.dom.innerHTML;
    expect(html).toContain('少儿体能游戏');
    expect(html).toContain('6–12岁孩子');
    await tap(comp, '.course', 0);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/course/detail/index?id=32' });
  });

  test('says when there are no courses, retries on failure, and shows staff their check-in', async () => {
    wx.setStorageSync('linli.user', staff);
    fakeServer({ 'GET /course-themes': list([]) });
    const comp = page('course');
    comp.instance.onShow();
    await settle();
    expect(comp.dom.innerHTML).toContain('这个社区的家长大学还没有开课');
    expect(comp.dom.innerHTML).toContain('上课签到');
    const fresh = page('course');
    fakeServer({ 'GET /course-themes': () => 'network' });
    fresh.instance.onShow();
    await settle();
    expect(fresh.dom.innerHTML).toContain('重试');
  });
});

describe('course detail', () => {
  const persons = list([{ id: 3, name: '王小明', guardianship: 'self' }, { id: 9, name: '王秀英', guardianship: 'approved', relation: 'parent' }]);

  test('enrols a family member after asking consent for the notice', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    const calls = fakeServer({
      'GET /courses/31': () => [200, course()],
      'GET /persons': persons,
      'GET /app-config': () => [200, { subscribe_templates: { course_update: 'tpl-course' } }],
      'POST /me/subscriptions': () => [200, { consents: [] }],
      'POST /courses/31/enrollments': () => [201, enrollment({ id: 52, person_id: 9 })],
    });
    const comp = page('course/detail');
    comp.instance.onLoad({ id: '31' });
    comp.instance.onShow();
    await settle();
    expect(comp.dom.innerHTML).toContain('出勤 2 次可获结业证书');
    expect(comp.dom.innerHTML).toContain('家长大学教室');
    // The persons come with the course: the button enrols at the first tap.
    expect(comp.dom.innerHTML).toContain('为谁报名：王小明（本人）');
    expect(comp.dom.innerHTML).toContain('确认报名');
    await change(comp, '#person-picker', '1');
    wx.requestSubscribeMessage.mockImplementation(({ success }) => success({ 'tpl-course': 'accept' }));
    await tap(comp, '#enroll');
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-course']);
    expect(calls.find((c) => c.key === 'POST /courses/31/enrollments').data).toEqual({ person_id: 9 });
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/course/mine/index?highlight=52' });
  });

  test('a full course offers the waiting list and tells the position', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    fakeServer({
      'GET /courses/31': () => [200, course({ enrolled: 30, waitlisted: 2 })],
      'GET /persons': persons,
      'GET /app-config': () => [200, { subscribe_templates: {} }],
      'POST /courses/31/enrollments': () => [201, enrollment({ status: 'waitlisted', waitlist_position: 3 })],
    });
    const comp = page('course/detail');
    comp.instance.onLoad({ id: '31' });
    comp.instance.onShow();
    await settle();
    expect(comp.dom.innerHTML).toContain('名额已满，可以先候补');
    expect(comp.dom.innerHTML).toContain('确认候补');
    await tap(comp, '#enroll');
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已候补第 3 位' }));
  });

  test("the server's refusal is shown, and a closed course offers nothing", async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    fakeServer({
      'GET /courses/31': () => [200, course()],
      'GET /persons': persons,
      'GET /app-config': () => [200, { subscribe_templates: {} }],
      'POST /courses/31/enrollments': error(409, 'already_enrolled', 'TA已报名（或在候补名单上）'),
    });
    const comp = page('course/detail');
    comp.instance.onLoad({ id: '31' });
    comp.instance.onShow();
    await settle();
    await tap(comp, '#enroll');
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: 'TA已报名（或在候补名单上）' }));
    expect(wx.redirectTo).not.toHaveBeenCalled();
    expect(comp.data.saving).toBe(false);

    fakeServer({ 'GET /courses/31': () => [200, course({ closed: true })] });
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('报名已截止');
    expect(comp.querySelectorAll('#enroll')).toHaveLength(0);
  });
});

describe('my enrolments', () => {
  test('show the check-in code, the place in the queue and the certificate; cancel after asking', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    const calls = fakeServer({
      'GET /enrollments': list([
        enrollment({ attended: [1, 2], certificate: true }),
        enrollment({ id: 53, course_title: '二孩家庭的相处', status: 'waitlisted', waitlist_position: 2, qr: 'linli-enrollment:53' }),
      ]),
      'POST /enrollments/53/cancel': () => [200, enrollment({ id: 53, status: 'cancelled' })],
    });
    const comp = page('course/mine');
    comp.instance.onLoad({ highlight: '51' });
    await comp.instance.load();
    const html = comp.dom.innerHTML;
    for (const text of ['已报名', '已签到 2 次', '可领取结业证书', '候补第 2 位', '退出候补', '取消报名', '上课时请出示此码签到']) {
      expect(html).toContain(text);
    }
    expect(comp.querySelectorAll('.qr')).toHaveLength(1);
    comp.instance.cancel({ currentTarget: { dataset: { id: 53 } } });
    expect(wx.showModal.mock.calls[0][0].title).toBe('退出候补');
    await wx.showModal.mock.calls[0][0].success({ confirm: true });
    expect(calls.some((c) => c.key === 'POST /enrollments/53/cancel')).toBe(true);
    expect(comp.data.items[1].statusName).toBe('已取消');
    expect(comp.dom.innerHTML).not.toContain('退出候补');
  });

  test('say when there are none', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    fakeServer({ 'GET /enrollments': list([]) });
    const comp = page('course/mine');
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('还没有报名课程');
  });
});

describe('check-in', () => {
  test('scans an enrolment code or ticks the roster, for the chosen session', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    wx.setStorageSync('linli.user', staff);
    const roster = [
      { enrollment_id: 51, person_id: 3, name: '王小明', status: 'enrolled', waitlist_position: null, attended: [], certificate: false },
      { enrollment_id: 52, person_id: 9, name: '王秀英', status: 'enrolled', waitlist_position: null, attended: [1], certificate: false },
      { enrollment_id: 53, person_id: 11, name: '李大爷', status: 'waitlisted', waitlist_position: 1, attended: [], certificate: false },
    ];
    const calls = fakeServer({
      'GET /courses': list([course()]),
      'GET /admin/courses/31/roster': list(roster),
      'POST /admin/courses/31/checkin': (opts) => [200, enrollment({ id: opts.data.enrollment_id, person_name: '王小明', attended: [1] })],
    });
    const comp = page('course/checkin');
    comp.instance.onShow();
    await settle();
    let html = comp.dom.innerHTML;
    expect(html).toContain('正式名单（2 人）');
    expect(html).toContain('候补（1 人）');
    expect(html).toContain('第 1 位');
    expect(comp.data.enrolled.find((l) => l.enrollment_id === 52).here).toBe(true);

    wx.scanCode.mockImplementation(({ success }) => success({ result: '042517' }));
    comp.instance.scan();
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '这不是课程签到码' }));
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'linli-enrollment:51' }));
    comp.instance.scan();
    await settle();
    expect(calls.find((c) => c.key === 'POST /admin/courses/31/checkin').data).toEqual({ enrollment_id: 51, session_index: 1 });
    expect(comp.data.enrolled.find((l) => l.enrollment_id === 51).here).toBe(true);

    comp.instance.pickSession({ detail: { value: '1' } });
    expect(comp.data.enrolled.every((l) => !l.here)).toBe(true);
    await comp.instance.tick({ currentTarget: { dataset: { id: 52 } } });
    expect(calls.filter((c) => c.key === 'POST /admin/courses/31/checkin')[1].data).toEqual({ enrollment_id: 52, session_index: 2 });
    html = comp.dom.innerHTML;
    expect(html).toContain('签到');
  });
});
