// The pages the rendering check shows, each with what the server answers (the unit tests'
// fakeServer routes) so that the page shows real content: menus, orders, reports, a full slot,
// a waiting list, switches, chips and photos. open(comp) runs the page's lifecycle as WeChat
// would; after it the page is let settle.
const { at: local, tomorrow, person, slot, order, course } = require('../records');

const list = (items, next) => () => [200, { items, next_cursor: next || '' }];

// A photo: a small picture (sky, a wall, a lamp), so that screenshots show where photos go.
const photo = (hue) => 'data:image/svg+xml;utf8,' + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120">'
  + '<rect width="120" height="120" fill="hsl(' + hue + ',45%,70%)"/>'
  + '<rect y="70" width="120" height="50" fill="hsl(' + hue + ',25%,45%)"/>'
  + '<circle cx="84" cy="34" r="14" fill="#fff6c8"/></svg>',
);

const me = { id: 5, name: '王小明', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3 };
const worker = Object.assign({}, me, {
  roles: [{ community_id: 7, role: 'grid_worker' }],
  subscriptions: { report_assigned: { template_id: 'tpl-assigned', remaining: 2, long_term: false } },
});
const subscribeTemplates = () => [200, { subscribe_templates: { meal_notice: 'tpl-meal', report_updated: 'tpl-report', course_update: 'tpl-course', report_assigned: 'tpl-assigned' } }];

const persons = list([
  person({ id: 3, name: '王小明', guardianship: 'self', relation: 'self', age: 41, building_name: '1幢', room: '301' }),
  person(),
  person({ id: 12, name: '李大爷', guardianship: 'pending', verified: false, relation: 'other', age: 86, building_name: '3幢', room: '201' }),
]);

const report = (over) => Object.assign({
  id: 41, community_id: 7, status: 'assigned', category: 'repair', category_name: '设施报修', level: 'major', urgency: 'normal',
  description: '2幢1单元三楼楼道灯不亮，晚上上下楼看不见', building_id: 70, building_name: '2幢', unit: '1单元', location_text: '', lat: null, lng: null,
  person_id: 3, anonymous: false, flagged: false, assignee_user_id: 8, assignee_name: '张网格', accept_by: '2026-11-26T12:00:00+08:00',
  resolve_by: '2026-11-28T12:00:00+08:00', rating: null, comment: '', reporter_name: '王小明', reporter_phone: '138****0000',
  photo_ids: [1, 2], photos: [{ id: 1, url: photo(200), purpose: 'report' }, { id: 2, url: photo(30), purpose: 'report' }],
  created_at: '2026-11-26T10:00:00+08:00', updated_at: '2026-11-26T10:00:00+08:00', timeline: [],
}, over);

const message = (over) => Object.assign({
  id: 1, community_id: 7, kind: 'course', title: '候补成功', body: '您候补的“缓解育儿焦虑”有名额了，已为您报名。',
  page: '/pages/course/mine/index', created_at: local(-1), read: false,
}, over);

const raised = { at: local(-0.3), actor: '李师傅', actor_user_id: 40, role: 'rider', action: 'raised', note: '敲门三次无人应' };
const alert = {
  id: 31, community_id: 7, person_id: 11, person_name: '王秀英', address: '2幢 1单元 102', order_id: 501, kind: 'no_answer',
  status: 'open', what: '午餐送餐', note: '敲门三次无人应', raised_at: local(-0.3), escalate_at: local(0.2), closed_at: null,
  closed_by_name: null, escalated_at: null, report_id: null, steps: [raised], person_phone: '13857900001',
  worker: { user_id: 20, name: '陈网格', phone: '13957900020' }, your_role: 'guardian',
};

const signedIn = (user) => ({ 'linli.token': 'lt_token', 'linli.user': user });
const menu = {
  'GET /canteens': list([{ id: 1, community_id: 7, name: '中埂邻里食堂', address: '中埂社区服务中心一楼', delivery_for_all: false }]),
  'GET /canteens/1/slots': list([
    slot(),
    slot({ id: 12, meal: 'dinner', dishes: [{ name: '番茄炒蛋' }, { name: '小米粥' }], remaining: 0, booked: 60 }),
    slot({ id: 13, meal: 'breakfast', dishes: [{ name: '豆浆' }, { name: '包子' }], book_by: local(-1) }),
    slot({ id: 14, date: tomorrow, book_by: local(20) }),
  ]),
};

module.exports = [
  {
    name: 'home',
    storage: signedIn(me),
    routes: {},
    open: (c) => c.instance.onShow(),
  },
  {
    name: 'canteen',
    storage: signedIn(me),
    routes: Object.assign({ 'GET /persons': persons }, menu),
    open: (c) => c.instance.onShow(),
  },
  {
    name: 'canteen/book',
    storage: Object.assign(signedIn(me), {
      'linli.bookingSlot': Object.assign(slot(), { community_id: 7, label: '今天', mealName: '午餐', dishNames: '红烧肉、清炒时蔬、紫菜蛋汤', deadline: '11:30' }),
      'linli.actingFor': 11,
    }),
    routes: {
      'GET /persons': persons,
      'GET /app-config': subscribeTemplates,
      'GET /meal-quote': () => [200, { price_fen: 1500, subsidy_fen: 500, pay_fen: 1000, subsidy_note: '80岁以上每餐补贴5.00元' }],
    },
    open: (c) => {
      c.instance.onLoad({ slot_id: '11' });
      c.instance.onShow();
    },
  },
  {
    name: 'canteen/orders',
    storage: signedIn(me),
    routes: {
      'GET /meal-orders': list([
        order(),
        order({ id: 22, mode: 'delivery', meal: 'dinner', status: 'booked', cancellable: true }),
        order({ id: 23, date: tomorrow, status: 'cancelled', cancellable: false, person_name: '王小明', subsidy_fen: 0, pay_fen: 1500 }),
      ], 'next'),
    },
    open: (c) => {
      c.instance.onLoad({ highlight: '21' });
      c.instance.onShow();
    },
  },
  {
    name: 'report',
    storage: signedIn(Object.assign({}, me, { roles: [{ community_id: 7, role: 'grid_worker' }] })),
    routes: {
      'GET /reports': list([
        report({ status: 'accepted' }),
        report({ id: 42, status: 'resolved', category_name: '环境卫生', description: '小区东门垃圾桶满了没人清' }),
      ], 'next'),
    },
    open: (c) => c.instance.onShow(),
  },
  {
    name: 'report/form',
    storage: Object.assign(signedIn(me), { 'linli.actingFor': 11 }),
    routes: {
      'GET /persons': persons,
      'GET /app-config': subscribeTemplates,
      'GET /report-categories': list([{ key: 'repair', name: '设施报修' }, { key: 'environment', name: '环境卫生' }]),
      'GET /communities/7/buildings': list([{ id: 70, name: '2幢' }, { id: 71, name: '3幢' }]),
    },
    // Two photos chosen and sent, as the 添加照片 tap does.
    async open(c) {
      c.instance.onShow();
      await new Promise((r) => setTimeout(r, 20));
      let n = 0;
      wx.chooseMedia.mockImplementation(({ success }) => success({ tempFiles: [{ tempFilePath: 'wxfile://a.jpg' }, { tempFilePath: 'wxfile://b.jpg' }] }));
      wx.uploadFile.mockImplementation(({ success }) => {
        n += 1;
        const id = n;
        setTimeout(() => success({ statusCode: 201, data: JSON.stringify({ id, url: photo(id * 90) }) }), 0);
      });
      c.instance.choosePhotos();
    },
  },
  {
    name: 'course',
    storage: signedIn(me),
    routes: {
      'GET /persons': persons,
      'GET /course-themes': list([{ theme: '家长成长', courses: 2 }, { theme: '运动健康', courses: 1 }, { theme: '科学育儿', courses: 3 }]),
      'GET /courses': list([
        course(),
        course({ id: 33, title: '二孩家庭的相处', capacity: 20, enrolled: 20, waitlisted: 3 }),
        course({ id: 34, title: '少儿体能游戏', theme: '运动健康', audience: 'children', min_age: 6, max_age: 12, enroll_by: local(-2) }),
      ], 'next'),
    },
    open: (c) => c.instance.onShow(),
  },
  {
    name: 'course/detail',
    storage: signedIn(me),
    routes: {
      'GET /persons': persons,
      'GET /app-config': subscribeTemplates,
      'GET /courses/33': () => [200, course({ id: 33, title: '二孩家庭的相处', capacity: 20, enrolled: 20, waitlisted: 3 })],
    },
    async open(c) {
      c.instance.onLoad({ id: '33' });
      if (c.instance.onShow) c.instance.onShow();
      await new Promise((r) => setTimeout(r, 20));
      // The persons to enrol, as the first tap on the button shows them.
      if (c.instance.loadPersons && !c.data.personsLoaded) await c.instance.loadPersons();
    },
  },
  {
    name: 'mine',
    storage: signedIn(Object.assign({}, me, { roles: me.roles.concat([{ community_id: 7, role: 'staff' }]) })),
    routes: {
      'GET /me': () => [200, Object.assign({}, me, { roles: me.roles.concat([{ community_id: 7, role: 'staff' }]) })],
      'GET /me/messages/unread-count': () => [200, { count: 3 }],
    },
    open: (c) => c.instance.onShow(),
  },
  {
    name: 'family',
    storage: signedIn(me),
    routes: {
      'GET /persons': persons,
      'GET /me/guardian-requests': list([
        { id: 9, person_id: null, person_name: null, kind: 'join', status: 'rejected', reason: '关系无法核实，请带户口本到社区', relation: 'child' },
      ]),
    },
    open: (c) => c.instance.onShow(),
  },
  {
    name: 'family/form',
    storage: signedIn(me),
    routes: {
      'GET /app-config': subscribeTemplates,
      'GET /communities': list([{ id: 7, name: '中埂社区' }, { id: 8, name: '西山社区' }]),
    },
    open: (c) => c.instance.onLoad({}),
  },
  {
    name: 'messages',
    storage: signedIn(me),
    routes: {
      'GET /me/messages': list([
        message(),
        message({ id: 2, kind: 'alert', title: '送餐无人应答', body: '李师傅给王秀英送午餐，敲门无人应答。请尽快联系老人。', page: '/pages/alert/index?id=31' }),
        message({ id: 3, kind: 'meal', title: '订餐已送达', body: '王秀英的午餐已送到 2幢 1单元 102。', read: true, created_at: local(-26) }),
      ]),
      'GET /me/messages/unread-count': () => [200, { count: 2 }],
    },
    open: (c) => c.instance.onShow(),
  },
  {
    name: 'alert',
    storage: signedIn(me),
    routes: { 'GET /alerts/31': () => [200, alert] },
    open: (c) => {
      c.instance.onLoad({ id: '31' });
      c.instance.onShow();
    },
  },
  {
    name: 'report/task',
    storage: signedIn(worker),
    routes: {
      'GET /me': () => [200, worker],
      'GET /app-config': subscribeTemplates,
      'GET /worker/tasks': list([
        report({ anonymous: false }),
        report({ id: 43, status: 'assigned', category_name: '邻里纠纷', description: '楼上装修太吵，周末早上七点就开始', photos: [], photo_ids: [], anonymous: true }),
      ]),
    },
    open: (c) => c.instance.onShow(),
  },
  {
    name: 'report/task/detail',
    storage: signedIn(worker),
    routes: {
      'GET /me': () => [200, worker],
      'GET /app-config': subscribeTemplates,
      'GET /worker/tasks/41': () => [200, report({
        reporter_phone: '13857900000',
        timeline: [
          { at: '2026-11-26T10:00:00+08:00', actor: '王小明', role: 'resident', action: 'submitted', note: '' },
          { at: '2026-11-26T10:01:00+08:00', actor: '系统', role: 'system', action: 'assigned', note: '派给 张网格' },
        ],
      })],
    },
    open: (c) => {
      c.instance.onLoad({ id: '41' });
      c.instance.onShow();
    },
  },
  {
    name: 'community',
    storage: {},
    routes: {
      'GET /communities': list([
        { id: 7, name: '中埂社区', lat: 29.4519, lng: 119.8923 },
        { id: 8, name: '西山社区', lat: 29.46, lng: 119.9 },
        { id: 9, name: '江南社区', lat: null, lng: null },
      ]),
    },
    open: (c) => c.instance.onLoad({}),
  },
  {
    // A report placed on the map (a market, not a building), with photos and its progress.
    name: 'report/detail',
    storage: signedIn(me),
    routes: {
      'GET /reports/41': () => [200, report({
        status: 'resolved', building_id: null, building_name: '', unit: '', location_text: '东门菜场', lat: 29.4561, lng: 119.8934,
        timeline: [
          { at: '2026-11-26T10:00:00+08:00', actor: '王小明', role: 'resident', action: 'submitted', note: '' },
          { at: '2026-11-26T10:01:00+08:00', actor: '系统', role: 'system', action: 'assigned', note: '派给 张网格' },
          { at: '2026-11-26T15:00:00+08:00', actor: '张网格', role: 'grid_worker', action: 'resolved', note: '已通知市场管理处修好' },
        ],
      })],
    },
    shows: ['东门菜场', '确认已解决'],
    open: (c) => {
      c.instance.onLoad({ id: '41' });
      c.instance.onShow();
    },
  },
  {
    // While a page loads: TDesign's loading text.
    name: 'report/detail',
    variant: 'loading',
    storage: signedIn(me),
    routes: {},
    open: (c) => c.setData({ loading: true }),
  },
  {
    // 我的报名: the enrolment a message opened picked out, with its QR code; a waiting place.
    name: 'course/mine',
    storage: signedIn(me),
    routes: {
      'GET /enrollments': list([
        { id: 52, course_id: 31, course_title: '缓解育儿焦虑', person_id: 3, person_name: '王小明', status: 'enrolled', waitlist_position: null, attended: [1], certificate: false, qr: 'linli-enrollment:52', created_at: local(-30) },
        { id: 53, course_id: 33, course_title: '二孩家庭的相处', person_id: 3, person_name: '王小明', status: 'waitlisted', waitlist_position: 2, attended: [], certificate: false, qr: '', created_at: local(-20) },
      ]),
    },
    shows: ['缓解育儿焦虑', '上课时请出示此码签到'],
    open: (c) => {
      c.instance.onLoad({ highlight: '52' });
      c.instance.onShow();
    },
  },
  {
    // 取餐核销: the scan, the code typed, today's prep list.
    name: 'canteen/counter',
    storage: signedIn(Object.assign({}, me, { roles: [{ community_id: 7, role: 'canteen_staff' }] })),
    routes: {
      'GET /admin/canteens/1/prep-list': () => [200, { date: '', canteen_id: 1, slots: [{
        slot_id: 11, meal: 'lunch', total: 3, by_mode: { eat_in: 1, pickup: 1, delivery: 1 },
        dishes: [{ name: '红烧肉', count: 3 }, { name: '清炒时蔬', count: 3 }],
        diet_notes: [{ order_id: 1, person_name: '王秀英', mode: 'delivery', diet_notes: '少糖', note: '' }],
      }] }],
    },
    shows: ['红烧肉×3'],
    open: (c) => {
      c.instance.onLoad({ canteen_id: '1' });
      c.instance.onShow();
    },
  },
  {
    // 送餐任务: today's deliveries by building, with calls and outcomes.
    name: 'canteen/rider',
    storage: signedIn(Object.assign({}, me, { roles: [{ community_id: 7, role: 'staff' }] })),
    routes: {
      'GET /worker/deliveries': () => [200, { date: '', buildings: [{ building_id: 2, building_name: '2幢', orders: [{
        order_id: 31, canteen_name: '中埂邻里食堂', meal: 'lunch', person_id: 9, person_name: '王秀英', unit: '1单元', room: '102',
        phone: '13857900001', contact_name: '王小明', contact_phone: '13857900002', diet_notes: '少糖', note: '', status: 'booked',
      }] }] }],
    },
    shows: ['王秀英', '饮食：少糖'],
    open: (c) => c.instance.onShow(),
  },
  {
    name: 'family/detail',
    storage: signedIn(me),
    routes: {
      'GET /persons/11': () => [200, person()],
      'GET /persons/11/guardians': list([
        { user_id: 5, name: '王小明', relation: 'parent', status: 'approved', primary: true, created_at: '' },
        { user_id: 6, name: '王小红', relation: 'parent', status: 'approved', primary: false, created_at: '' },
      ]),
      'GET /persons/11/alerts': list([]),
    },
    shows: ['王秀英', '主监护人'],
    open: (c) => {
      c.instance.onLoad({ id: '11' });
      c.instance.onShow();
    },
  },
  {
    // Filling in one's address (from the booking page's 请先填写您的住址).
    name: 'onboarding',
    storage: signedIn(Object.assign({}, me, { community_id: null, roles: [], person_id: null })),
    routes: {
      'GET /communities': list([{ id: 7, name: '中埂社区' }, { id: 8, name: '西山社区' }]),
      'GET /communities/7/buildings': list([{ id: 70, name: '1幢' }, { id: 71, name: '2幢' }]),
    },
    open: (c) => c.instance.onLoad(),
  },
  {
    // An empty list: TDesign's empty state, under the page's own words and button.
    name: 'family',
    variant: 'empty',
    storage: signedIn(me),
    routes: {
      'GET /persons': list([]),
      'GET /me/guardian-requests': list([]),
    },
    shows: ['还没有登记家人', '添加家人'],
    open: (c) => c.instance.onShow(),
  },
  {
    // The privacy agreement popup over a page, as WeChat asks for it before a photo is chosen.
    name: 'report/form',
    variant: 'privacy-popup',
    storage: signedIn(me),
    routes: {
      'GET /persons': persons,
      'GET /app-config': subscribeTemplates,
      'GET /report-categories': list([{ key: 'repair', name: '设施报修' }]),
      'GET /communities/7/buildings': list([{ id: 70, name: '2幢' }]),
    },
    shows: ['隐私保护提示', '选择或拍摄照片之前', '同意', '拒绝'],
    open: (c) => {
      c.instance.onShow();
      c.querySelector('#privacy-popup').instance.toggle(true, 'chooseMedia');
    },
  },
  {
    // 上课签到 (staff): the course and session pickers, the scan, the roster with its ticks.
    name: 'course/checkin',
    storage: signedIn(Object.assign({}, me, { roles: [{ community_id: 7, role: 'staff' }] })),
    routes: {
      'GET /courses': list([course()]),
      'GET /admin/courses/31/roster': list([
        { enrollment_id: 51, person_id: 3, name: '王小明', status: 'enrolled', waitlist_position: null, attended: [], certificate: false },
        { enrollment_id: 52, person_id: 9, name: '王秀英', status: 'enrolled', waitlist_position: null, attended: [1], certificate: false },
        { enrollment_id: 53, person_id: 11, name: '李大爷', status: 'waitlisted', waitlist_position: 1, attended: [], certificate: false },
      ]),
    },
    shows: ['王秀英', '候补（1 人）'],
    open: (c) => c.instance.onShow(),
  },
  {
    // 审核 (staff): requests to register or join a family member, to approve or reject.
    name: 'review',
    storage: signedIn(Object.assign({}, me, { roles: [{ community_id: 7, role: 'staff' }] })),
    routes: {
      'GET /admin/guardian-requests': list([
        { id: 1, person_id: 11, person_name: '李大爷', user_id: 5, user_name: '王小明', relation: 'other', kind: 'register', status: 'pending', reason: '', decided_at: null, created_at: '2026-11-26T09:30:00+08:00' },
        { id: 2, person_id: 11, person_name: '李大爷', user_id: 8, user_name: '李强', relation: 'parent', kind: 'join', status: 'pending', reason: '', decided_at: null, created_at: '2026-11-26T10:00:00+08:00' },
      ]),
    },
    shows: ['李强'],
    open: (c) => c.instance.onShow(),
  },
  {
    // 登录社区工作台 (staff): which browser asked, where from and when, to confirm or cancel.
    name: 'console',
    storage: signedIn(Object.assign({}, me, { roles: [{ community_id: 7, role: 'staff' }] })),
    routes: {
      'POST /console/tickets/Tk_abcdefgh12345678/scan': () => [200, {
        id: 'Tk_abcdefgh12345678', status: 'scanned', client_ip: '61.164.1.20',
        user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
        created_at: '2026-12-01T14:05:09+08:00', expires_at: '2026-12-01T14:07:09+08:00',
      }],
    },
    shows: ['Windows · Chrome 浏览器', '确认登录'],
    open: (c) => c.instance.onLoad({ ticket: 'Tk_abcdefgh12345678' }),
  },
  {
    name: 'privacy',
    storage: signedIn(me),
    routes: {},
    open: (c) => (c.instance.onLoad ? c.instance.onLoad({}) : undefined),
  },
];
