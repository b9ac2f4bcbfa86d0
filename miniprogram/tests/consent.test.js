// Push consent (微信订阅消息): asked straight from each tap that makes a push matter, only when it
// is useful, and never in the way.
const { fakeServer, page, settle, wxCalls, tapAsksFirst } = require('./helpers');
const subscribe = require('../utils/subscribe');
const words = require('../utils/canteen');

const TEMPLATES = { report_assigned: 'tpl-assigned', report_updated: 'tpl-updated', course_update: 'tpl-course', meal_notice: 'tpl-meal' };

// subs is what GET /me answers of the pushes left: remaining per key (one-time unless listed in
// longTerm).
function subs(remaining, longTerm) {
  const out = {};
  Object.keys(TEMPLATES).forEach((key) => {
    out[key] = { template_id: TEMPLATES[key], remaining: remaining[key] || 0, long_term: (longTerm || []).includes(key) };
  });
  return out;
}

const me = (over) => Object.assign({
  id: 5, name: '王小明', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3,
  subscriptions: subs({}),
}, over);
const worker = (over) => me(Object.assign({ id: 8, roles: [{ community_id: 7, role: 'grid_worker' }] }, over));
const list = (items) => () => [200, { items, next_cursor: '' }];
const accepted = (ids) => () => [200, { consents: ids.map((id) => ({ template_id: id, remaining: 1 })) }];

const inHours = (h) => new Date(Date.now() + h * 3600 * 1000).toISOString().replace('Z', '+00:00');
const at = (h) => new Date(Date.now() + h * 3600 * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 19) + '+08:00';

// answer makes WeChat's consent dialog answer every template it is asked for with result.
function answer(result) {
  wx.requestSubscribeMessage.mockImplementation(({ tmplIds, success }) => {
    const res = { errMsg: 'requestSubscribeMessage:ok' };
    tmplIds.forEach((id) => {
      res[id] = result;
    });
    success(res);
  });
}

function signIn(user) {
  wx.setStorageSync('linli.token', 'lt_token');
  wx.setStorageSync('linli.user', user);
}

beforeEach(() => {
  global.resetWx();
  wx.requestSubscribeMessage.mockReset();
  subscribe.reset(Object.assign({}, TEMPLATES));
});

describe('when to ask', () => {
  test('only when a one-time template runs low or a long-term one is off', () => {
    const ask = (remaining, longTerm, opts) => subscribe.needed(['meal_notice'], opts, me({ subscriptions: subs({ meal_notice: remaining }, longTerm) }));
    expect(ask(3)).toEqual([]);
    expect(ask(10)).toEqual([]);
    expect(ask(2)).toEqual(['tpl-meal']);
    expect(ask(0)).toEqual(['tpl-meal']);
    expect(ask(1, ['meal_notice'])).toEqual([]);
    expect(ask(0, ['meal_notice'])).toEqual(['tpl-meal']);
    // The worker's 接单 leaves long-term templates to the switch; the switch asks whatever is left.
    expect(ask(0, ['meal_notice'], { longTerm: false })).toEqual([]);
    expect(ask(2, [], { longTerm: false })).toEqual(['tpl-meal']);
    expect(ask(5, [], { always: true })).toEqual(['tpl-meal']);
    // Not told by the server: worth asking.
    expect(subscribe.needed(['meal_notice'], {}, me({ subscriptions: undefined }))).toEqual(['tpl-meal']);
    expect(subscribe.needed(['meal_notice'], {}, null)).toEqual(['tpl-meal']);
    // At most 3 templates in one request, as WeChat allows.
    expect(subscribe.needed(Object.keys(TEMPLATES), {}, me())).toHaveLength(3);
  });

  test('a key the server names no template for is skipped', () => {
    expect(subscribe.needed(['meal_notice', 'safety_alert'], {}, me())).toEqual(['tpl-meal']);
    subscribe.reset(Object.assign({ safety_alert: 'tpl-safety' }, TEMPLATES));
    expect(subscribe.needed(['meal_notice', 'safety_alert'], {}, me())).toEqual(['tpl-meal', 'tpl-safety']);
  });

  test('template ids come from the launch, else from the kept user; with neither, nothing is asked', () => {
    subscribe.reset();
    expect(subscribe.needed(['report_updated'], {}, me())).toEqual(['tpl-updated']);
    expect(subscribe.needed(['report_updated'], {}, me({ subscriptions: undefined }))).toEqual([]);
  });

  test('a user answered by sign-in or onboarding keeps the counts GET /me told', () => {
    const session = require('../utils/session');
    wx.setStorageSync('linli.user', me({ subscriptions: subs({ meal_notice: 4 }) }));
    session.setUser(me({ subscriptions: undefined, name: '王大明' }));
    expect(wx.getStorageSync('linli.user')).toMatchObject({ name: '王大明', subscriptions: subs({ meal_notice: 4 }) });
    session.setUser(me({ id: 6, subscriptions: undefined }));
    expect(wx.getStorageSync('linli.user').subscriptions).toBeUndefined();
  });

  test('the reason shows only when the tap will ask', () => {
    wx.setStorageSync('linli.user', me({ subscriptions: subs({ report_updated: 1 }) }));
    expect(subscribe.note(['report_updated'], 'report')).toBe('提交后会请您允许“报事进度提醒”，处理完成时微信通知您');
    wx.setStorageSync('linli.user', me({ subscriptions: subs({ report_updated: 3 }) }));
    expect(subscribe.note(['report_updated'], 'report')).toBe('');
  });

  test('each reason promises only the pushes its template carries', () => {
    // meal_notice: a meal stopped and a rider finding nobody at the door; no push on delivery.
    expect(subscribe.REASONS.book).toMatch(/停餐/);
    expect(subscribe.REASONS.book).toMatch(/无人应答/);
    expect(subscribe.REASONS.family).toMatch(/停供/);
    expect(subscribe.REASONS.family).toMatch(/无人应答/);
    [subscribe.REASONS.book, subscribe.REASONS.family].forEach((text) => {
      expect(text).toContain('订餐提醒');
      expect(text).not.toMatch(/送达|取餐|支付|退款/);
    });
    // report_updated reaches the reporter once the report is resolved.
    expect(subscribe.REASONS.report).toContain('报事进度提醒');
    expect(subscribe.REASONS.report).toMatch(/处理完成/);
    expect(subscribe.REASONS.report).not.toMatch(/受理|派单|接单/);
    // course_update: the day before, a freed place, a course moved or cancelled.
    expect(subscribe.REASONS.course).toContain('课程提醒');
    expect(subscribe.REASONS.course).toMatch(/上课前一天/);
    expect(subscribe.REASONS.course).toMatch(/候补/);
    expect(subscribe.REASONS.course).toMatch(/变动/);
    // report_assigned: a new task.
    expect(subscribe.REASONS.task).toContain('派单提醒');
    expect(subscribe.REASONS.task).toMatch(/新派单/);
  });

  test('the template ids are read again on the next tap when the launch could not', async () => {
    subscribe.reset();
    signIn(me({ subscriptions: undefined }));
    fakeServer({ 'GET /app-config': () => 'network' });
    expect(await subscribe.load()).toBeNull();
    const calls = fakeServer({ 'GET /app-config': () => [200, { subscribe_templates: TEMPLATES }] });
    answer('accept');
    const first = await subscribe.ask(['meal_notice']);
    expect(first.accepted).toEqual([]);
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
    await settle();
    expect(calls.filter((c) => c.key === 'GET /app-config')).toHaveLength(1);
    const second = subscribe.ask(['meal_notice']);
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-meal']);
    await (await second).saved;
  });
});

describe('asking', () => {
  test('tells the server what was accepted only after WeChat answers, and keeps the new count', async () => {
    signIn(me());
    const fresh = me({ subscriptions: subs({ meal_notice: 1 }) });
    const calls = fakeServer({ 'POST /me/subscriptions': accepted(['tpl-meal']), 'GET /me': () => [200, fresh] });
    let tell;
    wx.requestSubscribeMessage.mockImplementation((opts) => {
      tell = opts.success;
    });
    const asking = subscribe.ask(['meal_notice']);
    await settle();
    expect(calls.some((c) => c.key === 'POST /me/subscriptions')).toBe(false);
    tell({ 'tpl-meal': 'accept', errMsg: 'requestSubscribeMessage:ok' });
    const res = await asking;
    expect(res).toMatchObject({ accepted: ['tpl-meal'], refused: false });
    await res.saved;
    expect(calls.find((c) => c.key === 'POST /me/subscriptions').data).toEqual({ template_ids: ['tpl-meal'] });
    expect(wx.getStorageSync('linli.user').subscriptions.meal_notice.remaining).toBe(1);
  });

  test('a refusal is told once, gently, where to turn it back on; nothing is sent', async () => {
    signIn(me());
    const calls = fakeServer({});
    answer('reject');
    let res = await subscribe.ask(['meal_notice']);
    expect(res.refused).toBe(true);
    expect(wx.showModal).toHaveBeenCalledTimes(1);
    const hint = wx.showModal.mock.calls[0][0];
    expect(hint.content).toContain('设置 → 通知管理');
    expect(hint.showCancel).toBe(false);
    res = await subscribe.ask(['meal_notice']);
    expect(res.refused).toBe(true);
    expect(wx.showModal).toHaveBeenCalledTimes(1);
    await res.saved;
    expect(calls.some((c) => c.key === 'POST /me/subscriptions')).toBe(false);
  });

  test('the main switch turned off counts as a refusal; a technical failure does not', async () => {
    signIn(me());
    fakeServer({});
    wx.requestSubscribeMessage.mockImplementation(({ fail }) => fail({ errMsg: 'requestSubscribeMessage:fail 20001 template not found', errCode: 20001 }));
    expect((await subscribe.ask(['meal_notice'])).refused).toBe(false);
    expect(wx.showModal).not.toHaveBeenCalled();
    wx.requestSubscribeMessage.mockImplementation(({ fail }) => fail({ errMsg: 'requestSubscribeMessage:fail The main switch is switched off', errCode: 20004 }));
    expect((await subscribe.ask(['meal_notice'])).refused).toBe(true);
    expect(wx.showModal.mock.calls[0][0].content).toContain('通知管理');
  });
});

describe('booking a meal', () => {
  const slot = {
    id: 11, canteen_id: 1, community_id: 7, date: words.shanghaiDate(), meal: 'lunch', dishes: [{ name: '红烧肉' }], capacity: 60, booked: 10,
    remaining: 50, price_fen: 1500, book_by: inHours(2), modes: ['eat_in', 'pickup', 'delivery'], closed: false,
    label: '今天', mealName: '午餐', dishNames: '红烧肉',
  };

  async function opened(user) {
    signIn(user);
    wx.setStorageSync('linli.bookingSlot', slot);
    const calls = fakeServer({
      'GET /persons': list([{ id: 3, community_id: 7, name: '王小明', guardianship: 'self', relation: 'self' }]),
      'GET /meal-quote': () => [200, { price_fen: 1500, subsidy_fen: 0, pay_fen: 1500, subsidy_note: '' }],
      'POST /meal-orders': () => [201, { id: 21, status: 'booked' }],
      'POST /me/subscriptions': accepted(['tpl-meal']),
      'GET /me': () => [200, user],
    });
    const comp = page('canteen/book');
    comp.instance.onLoad({ slot_id: '11' });
    comp.instance.onShow();
    await settle();
    return { comp, calls };
  }

  test('asks for the meal notices first, straight from the tap, then books', async () => {
    const { comp, calls } = await opened(me());
    expect(comp.querySelector('#consent-note').dom.innerHTML).toContain('订餐提醒');
    answer('accept');
    await tapAsksFirst(() => comp.instance.submit());
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-meal']);
    expect(calls.find((c) => c.key === 'POST /me/subscriptions').data).toEqual({ template_ids: ['tpl-meal'] });
    expect(calls.find((c) => c.key === 'POST /meal-orders').data).toMatchObject({ slot_id: 11, person_id: 3 });
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/canteen/orders/index?highlight=21' });
  });

  test('does not interrupt when enough notices are left', async () => {
    const { comp, calls } = await opened(me({ subscriptions: subs({ meal_notice: 3 }) }));
    expect(comp.querySelector('#consent-note')).toBeUndefined();
    await comp.instance.submit();
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
    expect(calls.some((c) => c.key === 'POST /meal-orders')).toBe(true);
  });

  test('a refusal is told where to turn it back on, and the booking goes ahead', async () => {
    const { comp, calls } = await opened(me());
    answer('reject');
    await tapAsksFirst(() => comp.instance.submit());
    expect(wx.showModal.mock.calls[0][0].content).toContain('通知管理');
    expect(calls.some((c) => c.key === 'POST /me/subscriptions')).toBe(false);
    expect(calls.some((c) => c.key === 'POST /meal-orders')).toBe(true);
    expect(wx.redirectTo).toHaveBeenCalled();
  });
});

describe('registering a family member', () => {
  test('asks for the meal notices first, straight from the tap, then registers', async () => {
    signIn(me());
    const calls = fakeServer({
      'GET /communities': list([{ id: 1, name: '中埂社区' }]),
      'GET /communities/1/buildings': list([{ id: 10, community_id: 1, name: '1幢' }]),
      'POST /persons': () => [201, { id: 9, guardianship: 'pending' }],
      'POST /me/subscriptions': accepted(['tpl-meal']),
    });
    const comp = page('family/form');
    comp.instance.onLoad({});
    await settle();
    expect(comp.querySelector('#consent-note').dom.innerHTML).toContain('订餐提醒');
    await comp.instance.pickCommunity({ detail: { value: '0' } });
    const pick = (key, field, value) => comp.instance.pick({ currentTarget: { dataset: { key, field } }, detail: { value } });
    pick('buildingIndex', 'building_id', '0');
    pick('relationIndex', 'relation', '0');
    pick('careIndex', 'care_level', '0');
    const type = (field, value) => comp.instance.onInput({ currentTarget: { dataset: { field } }, detail: { value } });
    type('name', '王秀英');
    type('id_card', '330702194503050022');
    type('unit', '1单元');
    type('room', '102');
    comp.querySelector('#consent').dispatchEvent('tap');
    await settle();
    answer('accept');
    await tapAsksFirst(() => comp.instance.submit());
    expect(calls.find((c) => c.key === 'POST /me/subscriptions').data).toEqual({ template_ids: ['tpl-meal'] });
    expect(calls.find((c) => c.key === 'POST /persons').data).toMatchObject({ name: '王秀英', building_id: 10 });
  });

  test('editing a record asks nothing', async () => {
    signIn(me());
    fakeServer({
      'GET /persons/9': () => [200, {
        id: 9, community_id: 1, name: '王秀英', gender: 'female', birth_date: '1945-03-05', id_card: null, phone: null, building_id: 10,
        unit: '1单元', room: '102', living_alone: false, care_level: 'self_care', diet_notes: '', emergency_contacts: [], guardianship: 'approved',
      }],
      'GET /communities/1/buildings': list([{ id: 10, community_id: 1, name: '1幢' }]),
      'PATCH /persons/9': () => [200, {}],
    });
    const comp = page('family/form');
    comp.instance.onLoad({ id: '9' });
    await settle();
    await comp.instance.submit();
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
    expect(comp.querySelector('#consent-note')).toBeUndefined();
  });
});

describe('submitting a report', () => {
  test('asks for the progress message first, straight from the tap, then submits', async () => {
    signIn(me());
    const calls = fakeServer({
      'GET /persons': list([{ id: 3, community_id: 7, name: '王小明', guardianship: 'self', building_id: 70 }]),
      'GET /report-categories': list([{ key: 'repair', name: '设施报修', level: 'major' }]),
      'GET /communities/7/buildings': list([{ id: 70, name: '1幢' }]),
      'POST /reports': () => [201, { id: 77, status: 'submitted' }],
      'POST /me/subscriptions': accepted(['tpl-updated']),
    });
    const comp = page('report/form');
    comp.instance.onShow();
    await settle();
    expect(comp.querySelector('#consent-note').dom.innerHTML).toContain('提交后会请您允许“报事进度提醒”');
    comp.instance.pickCategory({ detail: { value: '0' } });
    comp.instance.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '楼道灯坏了' } });
    answer('accept');
    await tapAsksFirst(() => comp.instance.submit());
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-updated']);
    expect(calls.find((c) => c.key === 'POST /me/subscriptions').data).toEqual({ template_ids: ['tpl-updated'] });
    expect(calls.find((c) => c.key === 'POST /reports').data).toMatchObject({ building_id: 70, category: 'repair' });
  });
});

describe('enrolling', () => {
  test('asks for the course notices first, straight from the tap, then enrols', async () => {
    signIn(me());
    const calls = fakeServer({
      'GET /courses/31': () => [200, {
        id: 31, community_id: 7, theme: '家长成长', title: '缓解育儿焦虑', teacher: '林老师', description: '', audience: 'parents',
        min_age: null, max_age: null, capacity: 30, enrolled: 12, waitlisted: 0, enroll_by: at(24), closed: false, certificate_sessions: 2,
        sessions: [{ index: 1, starts_at: at(48), ends_at: at(49.5), place: '家长大学教室' }],
      }],
      'GET /persons': list([{ id: 3, community_id: 7, name: '王小明', guardianship: 'self' }]),
      'POST /courses/31/enrollments': () => [201, { id: 52, status: 'enrolled' }],
      'POST /me/subscriptions': accepted(['tpl-course']),
    });
    const comp = page('course/detail');
    comp.instance.onLoad({ id: '31' });
    comp.instance.onShow();
    await settle();
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
    expect(comp.querySelector('#consent-note').dom.innerHTML).toContain('课程提醒');
    answer('accept');
    await tapAsksFirst(() => comp.instance.enroll());
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-course']);
    expect(calls.find((c) => c.key === 'POST /me/subscriptions').data).toEqual({ template_ids: ['tpl-course'] });
    expect(calls.find((c) => c.key === 'POST /courses/31/enrollments').data).toEqual({ person_id: 3 });
  });
});

describe('我的任务', () => {
  const task = {
    id: 41, status: 'assigned', category_name: '设施报修', level: 'major', description: '楼道灯坏了', building_name: '1幢', unit: '',
    location_text: '', anonymous: false, reporter_name: '王小明', reporter_phone: '138****0000', accept_by: '2026-11-26T12:00:00+08:00',
    resolve_by: '2026-11-28T12:00:00+08:00', photos: [],
  };

  function opened(user, extra) {
    signIn(user);
    const calls = fakeServer(Object.assign({
      'GET /worker/tasks': list([task]),
      'POST /worker/tasks/41/accept': () => [200, Object.assign({}, task, { status: 'accepted' })],
      'GET /me': () => [200, wx.getStorageSync('linli.user')],
    }, extra));
    const comp = page('report/task');
    comp.instance.onShow();
    return { comp, calls };
  }

  test('the switch shows that task pushes are off, and turning it on asks straight from the tap', async () => {
    const { comp, calls } = opened(worker(), {
      'POST /me/subscriptions': () => [200, { consents: [{ template_id: 'tpl-assigned', remaining: 1 }] }],
    });
    await settle();
    expect(comp.querySelector('#reminder').dom.innerHTML).toContain('接收派单提醒');
    expect(comp.querySelector('#reminder').dom.innerHTML).toContain('未开启');
    expect(comp.data.reminder.on).toBe(false);
    answer('accept');
    const order = wxCalls();
    const done = comp.instance.toggleReminder({ detail: { value: true } });
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(order()[0]).toBe('requestSubscribeMessage');
    await done;
    expect(order().indexOf('request')).toBeGreaterThan(0);
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-assigned']);
    expect(calls.find((c) => c.key === 'POST /me/subscriptions').data).toEqual({ template_ids: ['tpl-assigned'] });
    expect(comp.data.reminder.on).toBe(true);
    expect(comp.querySelector('#reminder').dom.innerHTML).toContain('还能收到 1 次派单提醒');
  });

  test('refusing at the switch is told where to turn it back on, and the switch stays off', async () => {
    const { comp, calls } = opened(worker());
    await settle();
    answer('reject');
    const order = wxCalls();
    const done = comp.instance.toggleReminder({ detail: { value: true } });
    expect(order()[0]).toBe('requestSubscribeMessage');
    await done;
    await settle();
    expect(wx.showModal.mock.calls[0][0].content).toContain('设置 → 通知管理');
    expect(calls.some((c) => c.key === 'POST /me/subscriptions')).toBe(false);
    expect(comp.data.reminder.on).toBe(false);
  });

  test('a long-term consent shows as on; turning it off says where', async () => {
    const { comp } = opened(worker({ subscriptions: subs({ report_assigned: 1 }, ['report_assigned']) }));
    await settle();
    expect(comp.data.reminder).toEqual({ on: true, text: '已开启，有新派单时微信通知您' });
    expect(comp.querySelector('#consent-note')).toBeUndefined();
    comp.instance.toggleReminder({ detail: { value: false } });
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
    expect(wx.showModal.mock.calls[0][0].content).toContain('通知管理');
    // Long-term consents are not asked for on each 接单.
    await comp.instance.accept({ currentTarget: { dataset: { id: 41 } } });
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
  });

  test('接单 asks first while fewer than 3 one-time pushes are left, and not when enough are', async () => {
    const { comp, calls } = opened(worker({ subscriptions: subs({ report_assigned: 2 }) }), {
      'POST /me/subscriptions': accepted(['tpl-assigned']),
    });
    await settle();
    expect(comp.data.reminder.text).toBe('已开启，还能收到 2 次派单提醒');
    expect(comp.querySelector('#consent-note').dom.innerHTML).toContain('接单时会请您允许“派单提醒”');
    answer('accept');
    await tapAsksFirst(() => comp.instance.accept({ currentTarget: { dataset: { id: 41 } } }));
    expect(calls.find((c) => c.key === 'POST /me/subscriptions').data).toEqual({ template_ids: ['tpl-assigned'] });
    expect(calls.some((c) => c.key === 'POST /worker/tasks/41/accept')).toBe(true);

    wx.requestSubscribeMessage.mockClear();
    wx.setStorageSync('linli.user', worker({ subscriptions: subs({ report_assigned: 3 }) }));
    await comp.instance.accept({ currentTarget: { dataset: { id: 41 } } });
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
    expect(calls.filter((c) => c.key === 'POST /worker/tasks/41/accept')).toHaveLength(2);
  });

  test('a refused 接单 prompt still accepts the task', async () => {
    const { comp, calls } = opened(worker());
    await settle();
    answer('reject');
    await tapAsksFirst(() => comp.instance.accept({ currentTarget: { dataset: { id: 41 } } }));
    expect(wx.showModal.mock.calls[0][0].content).toContain('通知管理');
    expect(calls.some((c) => c.key === 'POST /worker/tasks/41/accept')).toBe(true);
  });
});
