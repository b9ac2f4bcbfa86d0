const { fakeServer, page, settle } = require('./helpers');
const { at, today, tomorrow, slot, order } = require('./records');
const { tap, change } = require('./taps');
const words = require('../utils/canteen');

const me = { id: 5, name: '王小明', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3 };
const list = (items, next) => () => [200, { items, next_cursor: next || '' }];
const error = (status, code, message) => () => [status, { error: { code, message, request_id: 'r' } }];

beforeEach(() => global.resetWx());

describe('words', () => {
  test('money and days read naturally', () => {
    expect(words.yuan(1500)).toBe('15.00元');
    expect(words.yuan(5)).toBe('0.05元');
    expect(words.dayLabel('2026-11-26', '2026-11-26')).toBe('今天 11月26日');
    expect(words.dayLabel('2026-11-27', '2026-11-26')).toBe('明天 11月27日');
    expect(words.dayLabel('2026-11-29', '2026-11-26')).toBe('周日 11月29日');
  });
});

describe('canteen menu', () => {
  test('is browsable before sign-up, by day, with what can be booked', async () => {
    wx.setStorageSync('linli.community', { id: 7, name: '中埂社区' });
    const calls = fakeServer({
      'GET /communities': list([{ id: 7, name: '中埂社区' }]),
      'GET /canteens': list([{ id: 1, community_id: 7, name: '中埂邻里食堂', address: '服务中心一楼', delivery_for_all: false }]),
      'GET /canteens/1/slots': list([
        slot(),
        slot({ id: 12, meal: 'dinner', remaining: 0, booked: 60 }),
        slot({ id: 13, date: tomorrow, book_by: at(-1) }),
      ]),
    });
    const comp = page('canteen');
    comp.instance.onShow();
    await settle();
    expect(calls.every((c) => !c.header.Authorization)).toBe(true);
    const html = comp.dom.innerHTML;
    for (const text of ['中埂邻里食堂', '今天', '明天', '红烧肉、清炒时蔬', '15.00元', '剩 50 份', '已订满：这一餐的份数已经订完', '不能预订']) {
      expect(html).toContain(text);
    }
    expect(html).toContain('社区：中埂社区（点击切换）');
    expect(comp.querySelectorAll('.slot')).toHaveLength(2);
    await tap(comp, '.book', 1);
    expect(wx.navigateTo).not.toHaveBeenCalled();
    await tap(comp, '.book', 0);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/canteen/book/index?slot_id=11' });
    expect(wx.getStorageSync('linli.bookingSlot')).toMatchObject({ canteen_name: '中埂邻里食堂' });
    expect(wx.getStorageSync('linli.bookingSlot').label).toContain('今天');
    await tap(comp, '.chip', 1);
    expect(comp.dom.innerHTML).toContain('已截止');
  });

  test('says when a community has no canteen, and offers a retry on failure', async () => {
    wx.setStorageSync('linli.user', me);
    fakeServer({ 'GET /canteens': () => 'network' });
    const comp = page('canteen');
    comp.instance.onShow();
    await settle();
    expect(comp.dom.innerHTML).toContain('重试');
    fakeServer({ 'GET /canteens': list([]) });
    await tap(comp, '#retry');
    expect(comp.dom.innerHTML).toContain('还没有开设邻里食堂');
    // Once shown, a refresh that fails keeps the page and says so.
    fakeServer({ 'GET /canteens': () => 'network' });
    comp.instance.onShow();
    await settle();
    expect(comp.dom.innerHTML).toContain('还没有开设邻里食堂');
    expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '没有刷新成功，请稍后再试' }));
  });

  test('shows the counter and rider entries by role', async () => {
    wx.setStorageSync('linli.user', Object.assign({}, me, { roles: [{ community_id: 7, role: 'canteen_staff' }, { community_id: 7, role: 'volunteer' }] }));
    fakeServer({ 'GET /canteens': list([{ id: 1, community_id: 7, name: '中埂邻里食堂', address: '' }]), 'GET /canteens/1/slots': list([]) });
    const comp = page('canteen');
    comp.instance.onShow();
    await settle();
    expect(comp.dom.innerHTML).toContain('取餐核销');
    expect(comp.dom.innerHTML).toContain('送餐任务');
    expect(comp.dom.innerHTML).toContain('本周菜单还没有发布');
  });
});

describe('booking', () => {
  const persons = list([
    { id: 3, name: '王小明', guardianship: 'self', relation: 'self' },
    { id: 9, name: '王秀英', guardianship: 'approved', relation: 'parent' },
  ]);

  function opened(routes) {
    wx.setStorageSync('linli.token', 'lt_token');
    wx.setStorageSync('linli.user', me);
    wx.setStorageSync('linli.bookingSlot', Object.assign(slot(), { label: '今天 11月26日', mealName: '午餐', dishNames: '红烧肉' }));
    const calls = fakeServer(Object.assign({ 'GET /persons': persons }, routes));
    const comp = page('canteen/book');
    comp.instance.onLoad({ slot_id: '11' });
    comp.instance.onShow();
    return { comp, calls };
  }

  test('books for a family member with the price breakdown shown first', async () => {
    const { comp, calls } = opened({
      'GET /meal-quote': (opts) => [200, opts.url.includes('person_id=9')
        ? { price_fen: 1500, subsidy_fen: 500, pay_fen: 1000, subsidy_note: '80岁以上每餐补贴5.00元' }
        : { price_fen: 1500, subsidy_fen: 0, pay_fen: 1500, subsidy_note: '' }],
      'POST /meal-orders': () => [201, order({ id: 21 })],
    });
    await settle();
    expect(comp.dom.innerHTML).toContain('王小明（本人）');
    comp.instance.pickPerson({ detail: { value: '1' } });
    await settle();
    expect(comp.dom.innerHTML).toContain('王秀英（父母）');
    expect(comp.dom.innerHTML).toContain('-5.00元');
    expect(comp.dom.innerHTML).toContain('10.00元');
    comp.instance.pickMode({ detail: { value: '2' } });
    expect(comp.dom.innerHTML).toContain('送餐上门限独居');
    comp.instance.onNote({ detail: { value: '少放盐' } });
    await comp.instance.submit();
    expect(calls.find((c) => c.key === 'POST /meal-orders').data).toEqual({ slot_id: 11, person_id: 9, mode: 'delivery', note: '少放盐' });
    expect(calls.find((c) => c.key === 'POST /meal-orders').header['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/canteen/orders/index?highlight=21' });
  });

  test("a full slot says so and goes back to the menu", async () => {
    const { comp } = opened({
      'GET /meal-quote': () => [200, { price_fen: 1500, subsidy_fen: 0, pay_fen: 1500, subsidy_note: '' }],
      'POST /meal-orders': error(409, 'slot_full', '该餐次已订满'),
    });
    await settle();
    await comp.instance.submit();
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '该餐次已订满' }));
    expect(wx.navigateBack).toHaveBeenCalled();
    expect(comp.data.saving).toBe(false);
  });

  test('without any person, asks for the address or a family member', async () => {
    const { comp } = opened({ 'GET /persons': list([]) });
    await settle();
    expect(comp.dom.innerHTML).toContain('请先填写您的住址');
    await tap(comp, '#add-family-first');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/family/form/index?pick=1' });
  });
});

describe('my orders', () => {
  test('shows the pick-up code large and cancels after asking', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    const calls = fakeServer({
      'GET /meal-orders': list([order(), order({ id: 22, mode: 'delivery', status: 'delivered', cancellable: false })], 'next'),
      'POST /meal-orders/21/cancel': () => [200, order({ status: 'cancelled', cancellable: false })],
    });
    const comp = page('canteen/orders');
    comp.instance.onLoad({ highlight: '21' });
    await comp.instance.load();
    const html = comp.dom.innerHTML;
    expect(html).toContain('042517');
    expect(html).toContain('应付 10.00元');
    expect(html).toContain('已送达');
    expect(comp.querySelectorAll('.code')).toHaveLength(1);
    expect(html).toContain('加载更多');
    comp.instance.cancel({ currentTarget: { dataset: { id: 21 } } });
    await wx.showModal.mock.calls[0][0].success({ confirm: true });
    expect(calls.some((c) => c.key === 'POST /meal-orders/21/cancel')).toBe(true);
    expect(comp.data.items[0].status).toBe('cancelled');
    expect(comp.querySelectorAll('.code')).toHaveLength(0);
  });

  test('says when there are none', async () => {
    fakeServer({ 'GET /meal-orders': list([]) });
    wx.setStorageSync('linli.token', 'lt_token');
    const comp = page('canteen/orders');
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('还没有订餐');
  });
});

describe('counter', () => {
  test('scans a code to serve the order, and refuses one already used', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    let served = false;
    const calls = fakeServer({
      'GET /admin/canteens/1/prep-list': () => [200, { date: today, canteen_id: 1, slots: [{
        slot_id: 11, meal: 'lunch', total: 3, by_mode: { eat_in: 1, pickup: 1, delivery: 1 },
        dishes: [{ name: '红烧肉', count: 3 }], diet_notes: [{ order_id: 1, person_name: '王秀英', mode: 'delivery', diet_notes: '少糖', note: '' }],
      }] }],
      'POST /admin/canteens/1/redeem': () => {
        if (served) return error(409, 'already_served', '该取餐码已使用')();
        served = true;
        return [200, order({ status: 'served', person_name: '王秀英' })];
      },
    });
    wx.scanCode.mockImplementation(({ success }) => success({ result: '042517' }));
    const comp = page('canteen/counter');
    comp.instance.onLoad({ canteen_id: '1' });
    comp.instance.onShow();
    await settle();
    expect(comp.dom.innerHTML).toContain('红烧肉×3');
    expect(comp.dom.innerHTML).toContain('王秀英：少糖');
    comp.instance.scan();
    await settle();
    expect(calls.find((c) => c.key === 'POST /admin/canteens/1/redeem').data).toEqual({ pickup_code: '042517' });
    expect(comp.dom.innerHTML).toContain('王秀英');
    comp.instance.onCode({ detail: { value: '042517' } });
    await comp.instance.redeem();
    expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '该取餐码已使用' }));
    comp.instance.onCode({ detail: { value: '12ab' } });
    await comp.instance.redeem();
    expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '取餐码为 6 位数字' }));
  });
});

describe('rider', () => {
  test('lists deliveries by building, calls, and reports no answer with a note', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    const calls = fakeServer({
      'GET /worker/deliveries': () => [200, { date: today, buildings: [{ building_id: 2, building_name: '2幢', orders: [{
        order_id: 31, canteen_name: '中埂邻里食堂', meal: 'lunch', person_id: 9, person_name: '王秀英', unit: '1单元', room: '102',
        phone: '13857900001', contact_name: '王小明', contact_phone: '13857900002', diet_notes: '少糖', note: '', status: 'booked',
      }] }] }],
      'POST /worker/deliveries/31/no-answer': () => [200, order({ id: 31, status: 'no_answer' })],
    });
    const comp = page('canteen/rider');
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('2幢');
    expect(comp.dom.innerHTML).toContain('饮食：少糖');
    comp.instance.call({ currentTarget: { dataset: { phone: '13857900001' } } });
    expect(wx.makePhoneCall).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '13857900001' }));
    comp.instance.noAnswer({ currentTarget: { dataset: { id: 31 } } });
    wx.showModal.mock.calls[0][0].success({ confirm: true, content: '敲门三次' });
    await settle();
    expect(calls.find((c) => c.key === 'POST /worker/deliveries/31/no-answer').data).toEqual({ note: '敲门三次' });
  });
});

describe('paying and picking up', () => {
  test('an order says how and where to pay, and shows the pick-up code large and as a QR code', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    fakeServer({
      'GET /meal-orders': list([
        order(),
        order({ id: 22, mode: 'delivery', pickup_code: '042518' }),
        order({ id: 23, mode: 'eat_in', pickup_code: '042519', subsidy_fen: 1500, pay_fen: 0 }),
      ]),
    });
    const comp = page('canteen/orders');
    comp.instance.onShow();
    await settle();
    const cards = comp.querySelectorAll('.order');
    expect(cards[0].dom.innerHTML).toContain('到店付款：取餐时在中埂邻里食堂付 10.00元');
    expect(cards[1].dom.innerHTML).toContain('送餐时付款：送到时付给送餐员 10.00元');
    expect(cards[2].dom.innerHTML).toContain('补贴全额，无需付款');
    // Pick-up and eat-in orders carry the code, large and as the QR code the counter scans.
    expect(comp.querySelectorAll('.code')).toHaveLength(2);
    expect(comp.querySelectorAll('.pickup-qr').map((q) => q.data.value)).toEqual(['linli-pickup:042517', 'linli-pickup:042519']);
  });

  test('booking says how and where the meal is paid, for the mode picked', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    wx.setStorageSync('linli.user', me);
    wx.setStorageSync('linli.bookingSlot', Object.assign(slot(), { label: '今天', community_id: 7, canteen_name: '中埂邻里食堂' }));
    fakeServer({
      'GET /persons': list([{ id: 3, name: '王小明', guardianship: 'self', community_id: 7 }]),
      'GET /meal-quote': () => [200, { price_fen: 1500, subsidy_fen: 500, pay_fen: 1000, subsidy_note: '' }],
    });
    const comp = page('canteen/book');
    comp.instance.onLoad({ slot_id: '11' });
    comp.instance.onShow();
    await settle();
    expect(comp.querySelector('#pay-way').dom.innerHTML).toContain('到店付款：用餐时在中埂邻里食堂付 10.00元');
    await change(comp, '#mode-picker', '2');
    expect(comp.querySelector('#pay-way').dom.innerHTML).toContain('送餐时付款：送到时付给送餐员 10.00元');
  });

  test('扫码核销 reads the order’s QR code, says what to collect, and refuses a code that is not one', async () => {
    wx.setStorageSync('linli.token', 'lt_token');
    const calls = fakeServer({
      'GET /admin/canteens/1/prep-list': () => [200, { date: today, canteen_id: 1, slots: [] }],
      'POST /admin/canteens/1/redeem': () => [200, order({ status: 'served', person_name: '王秀英' })],
    });
    const comp = page('canteen/counter');
    comp.instance.onLoad({ canteen_id: '1' });
    comp.instance.onShow();
    await settle();
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'linli-enrollment:51' }));
    await tap(comp, '#scan');
    expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '这不是取餐码，请扫订单上的二维码' }));
    expect(calls.some((c) => c.key === 'POST /admin/canteens/1/redeem')).toBe(false);
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'linli-pickup:042517' }));
    await tap(comp, '#scan');
    expect(calls.find((c) => c.key === 'POST /admin/canteens/1/redeem').data).toEqual({ pickup_code: '042517' });
    expect(comp.querySelector('#served').dom.innerHTML).toContain('请收取 10.00元');
  });
});
