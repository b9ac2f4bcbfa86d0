const { fakeServer, loginRoute, page, settle } = require('./helpers');
const { person } = require('./records');

const me = { id: 5, name: '王小明', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3 };
const staffUser = Object.assign({}, me, { roles: me.roles.concat([{ community_id: 7, role: 'staff' }]) });

const error = (status, code, message, extra) => () => [status, { error: Object.assign({ code, message, request_id: 'r' }, extra) }];
const list = (items) => () => [200, { items, next_cursor: '' }];

beforeEach(() => {
  global.resetWx();
  wx.setStorageSync('linli.token', 'lt_token');
  wx.setStorageSync('linli.user', me);
});

describe('family list', () => {
  test('shows each person with what staff decided, and my requests with reasons', async () => {
    fakeServer({
      'GET /persons': list([
        person({ id: 3, name: '王小明', guardianship: 'self', relation: 'self', age: 41 }),
        person(),
        person({ id: 12, name: '李大爷', guardianship: 'pending', verified: false, relation: 'other' }),
      ]),
      'GET /me/guardian-requests': list([
        { id: 9, person_id: null, person_name: null, kind: 'join', status: 'rejected', reason: '关系无法核实', relation: 'child' },
        { id: 8, person_id: 12, person_name: '李大爷', kind: 'register', status: 'pending', reason: '', relation: 'other' },
      ]),
    });
    const comp = page('family');
    const loading = comp.instance.load();
    expect(comp.dom.innerHTML).toContain('加载中');
    await loading;
    const html = comp.dom.innerHTML;
    expect(comp.querySelectorAll('.person')).toHaveLength(3);
    for (const text of ['本人', '已认证', '待社区审核', '父母', '81岁', '2幢 1单元 102', '申请成为家属', '未通过', '关系无法核实']) {
      expect(html).toContain(text);
    }
    // A registration shows as its person, not again among the requests.
    expect(comp.querySelectorAll('.request')).toHaveLength(1);
    comp.querySelectorAll('.person')[1].dispatchEvent('tap');
    await settle();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/family/detail/index?id=11' });
  });

  test('says when there is nobody yet, and offers a retry when loading fails', async () => {
    fakeServer({ 'GET /persons': () => 'network' });
    const comp = page('family');
    comp.instance.onShow();
    await settle();
    expect(comp.data.failed).toBe(true);
    expect(comp.dom.innerHTML).toContain('重试');
    fakeServer({ 'GET /persons': list([]), 'GET /me/guardian-requests': list([]) });
    comp.querySelector('#retry').dispatchEvent('tap');
    await settle();
    expect(comp.dom.innerHTML).toContain('还没有登记家人');
  });
});

describe('family form', () => {
  const routes = (extra) => Object.assign({
    'POST /auth/login': loginRoute(me),
    'GET /communities': list([{ id: 7, name: '中埂社区' }]),
    'GET /communities/7/buildings': list([{ id: 70, community_id: 7, name: '1幢' }, { id: 71, community_id: 7, name: '2幢' }]),
  }, extra);

  async function filled(extra) {
    const calls = fakeServer(routes(extra));
    const comp = page('family/form');
    comp.instance.onLoad({});
    await settle();
    await comp.instance.pickCommunity({ detail: { value: '0' } });
    const pick = (key, field, value) => comp.instance.pick({ currentTarget: { dataset: { key, field } }, detail: { value } });
    pick('buildingIndex', 'building_id', '1');
    pick('relationIndex', 'relation', '0');
    pick('careIndex', 'care_level', '1');
    const type = (field, value) => comp.instance.onInput({ currentTarget: { dataset: { field } }, detail: { value } });
    type('name', '王秀英');
    type('id_card', '330702194503050022');
    type('unit', '1单元');
    type('room', '102');
    type('contact_name', '王小明');
    type('contact_phone', '13857900002');
    comp.instance.onSwitch({ detail: { value: true } });
    // 我已获得TA的同意: ticked on the page.
    comp.querySelector('#consent').dispatchEvent('tap');
    await settle();
    return { comp, calls, type };
  }

  test('says what is wrong before sending anything', async () => {
    const calls = fakeServer(routes());
    const comp = page('family/form');
    comp.instance.onLoad({});
    await settle();
    comp.instance.onInput({ currentTarget: { dataset: { field: 'id_card' } }, detail: { value: '330702194503050021' } });
    comp.instance.onInput({ currentTarget: { dataset: { field: 'phone' } }, detail: { value: '12345' } });
    await comp.instance.submit();
    expect(comp.data.errors).toMatchObject({
      name: '必填', community_id: '请选择社区', building_id: '请选择楼栋', relation: '请选择TA是您的什么人',
      care_level: '请选择', id_card: '身份证号校验位不正确，请核对', phone: '请填写 11 位手机号或带区号的固定电话',
    });
    expect(comp.dom.innerHTML).toContain('身份证号校验位不正确');
    // Without an ID card, gender and birth date are needed; a future date is refused.
    comp.instance.onInput({ currentTarget: { dataset: { field: 'id_card' } }, detail: { value: '' } });
    comp.instance.pickDate({ detail: { value: '2099-01-01' } });
    await comp.instance.submit();
    expect(comp.data.errors).toMatchObject({ gender: '请选择', birth_date: '出生日期不能晚于今天' });
    expect(calls.filter((c) => c.key === 'POST /persons')).toHaveLength(0);
  });

  test('registers the elder and goes back', async () => {
    const { comp, calls } = await filled({ 'POST /persons': () => [201, person({ guardianship: 'pending', verified: false })] });
    await comp.instance.submit();
    expect(calls.find((c) => c.key === 'POST /persons').data).toEqual({
      name: '王秀英', building_id: 71, unit: '1单元', room: '102', living_alone: true, care_level: 'partly_dependent',
      diet_notes: '', id_card: '330702194503050022', relation: 'parent',
      emergency_contacts: [{ name: '王小明', phone: '13857900002', relation: '' }], consent: true,
    });
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test("puts the server's field errors by their fields", async () => {
    const { comp } = await filled({
      'POST /persons': error(400, 'invalid_request', '请求参数有误', { fields: { 'emergency_contacts[0].phone': '请填写 11 位手机号或带区号的固定电话', building_id: '楼栋不存在' } }),
    });
    await comp.instance.submit();
    expect(comp.data.errors).toMatchObject({ contact_phone: '请填写 11 位手机号或带区号的固定电话', building_id: '楼栋不存在' });
    expect(comp.dom.innerHTML).toContain('楼栋不存在');
    expect(comp.data.saving).toBe(false);
  });

  test('shows a person_exists that names no record as it comes, and goes back', async () => {
    const message = '该身份证号已在本社区登记，请到社区服务中心核实';
    const { comp, calls } = await filled({ 'POST /persons': error(409, 'person_exists', message) });
    await comp.instance.submit();
    const modal = wx.showModal.mock.calls[0][0];
    expect(modal.content).toBe(message);
    expect(modal.showCancel).toBe(false);
    // The page makes no second call, and names no record.
    expect(calls.filter((c) => c.key.includes('guardian-requests'))).toHaveLength(0);
    expect(wx.navigateBack).not.toHaveBeenCalled();
    modal.success({ confirm: true });
    expect(wx.navigateBack).toHaveBeenCalled();
    expect(comp.data.saving).toBe(false);
  });

  test('offers to open the record when the user already acts for the elder', async () => {
    const { comp } = await filled({ 'POST /persons': error(409, 'person_exists', '该居民已在本社区登记', { person_id: 11 }) });
    await comp.instance.submit();
    const modal = wx.showModal.mock.calls[0][0];
    expect(modal.confirmText).toBe('查看');
    modal.success({ confirm: true });
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/family/detail/index?id=11' });
  });

  test("marks the ID card when an edit gives another record's", async () => {
    fakeServer(routes({
      'GET /persons/11': () => [200, person()],
      'PATCH /persons/11': error(409, 'person_exists', '该身份证号已在本社区登记，请到社区服务中心核实'),
    }));
    const comp = page('family/form');
    comp.instance.onLoad({ id: '11' });
    await settle();
    comp.instance.onInput({ currentTarget: { dataset: { field: 'id_card' } }, detail: { value: '330702194503050030' } });
    comp.querySelector('#consent').dispatchEvent('tap');
    await settle();
    await comp.instance.submit();
    expect(comp.data.errors.id_card).toBe('该身份证号已在本社区登记');
    expect(wx.showModal).not.toHaveBeenCalled();
    expect(wx.navigateBack).not.toHaveBeenCalled();
  });

  test('edits a person, leaving masked numbers as they are', async () => {
    const calls = fakeServer(routes({
      'GET /persons/11': () => [200, person()],
      'PATCH /persons/11': () => [200, person({ room: '103' })],
    }));
    const comp = page('family/form');
    comp.instance.onLoad({ id: '11' });
    await settle();
    expect(comp.data.form.name).toBe('王秀英');
    expect(comp.dom.innerHTML).toContain('330702********0022（不改请留空）');
    comp.instance.onInput({ currentTarget: { dataset: { field: 'room' } }, detail: { value: '103' } });
    await comp.instance.submit();
    const sent = calls.find((c) => c.key === 'PATCH /persons/11').data;
    expect(sent).toMatchObject({ room: '103', building_id: 70, care_level: 'partly_dependent', gender: 'female' });
    expect(sent).not.toHaveProperty('id_card');
    expect(sent).not.toHaveProperty('phone');
    expect(sent).not.toHaveProperty('emergency_contacts');
    expect(sent).not.toHaveProperty('relation');
  });
});

describe('family detail', () => {
  test('shows the record masked, the guardians, and lets the primary hand on and leave', async () => {
    const calls = fakeServer({
      'GET /persons/11': () => [200, person()],
      'GET /persons/11/guardians': list([
        { user_id: 5, name: '王小明', relation: 'parent', status: 'approved', primary: true, created_at: '' },
        { user_id: 6, name: '王小红', relation: 'parent', status: 'approved', primary: false, created_at: '' },
      ]),
      'POST /persons/11/guardians/6/primary': () => [200, {}],
      'DELETE /persons/11/guardians/5': () => [204, ''],
    });
    const comp = page('family/detail');
    comp.instance.onLoad({ id: '11' });
    await comp.instance.load();
    const html = comp.dom.innerHTML;
    for (const text of ['王秀英', '330702********0022', '138****0001', '主监护人', '王小红', '（我）', '设为主监护人', '半失能']) {
      expect(html).toContain(text);
    }
    comp.instance.makePrimary({ currentTarget: { dataset: { id: 6 } } });
    await wx.showModal.mock.calls[0][0].success({ confirm: true });
    expect(calls.some((c) => c.key === 'POST /persons/11/guardians/6/primary')).toBe(true);
    comp.instance.leave();
    await wx.showModal.mock.calls[1][0].success({ confirm: true });
    expect(calls.some((c) => c.key === 'DELETE /persons/11/guardians/5')).toBe(true);
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test('a pending guardian is told what waits', async () => {
    fakeServer({
      'GET /persons/12': () => [200, person({ id: 12, guardianship: 'pending', verified: false })],
      'GET /persons/12/guardians': list([{ user_id: 5, name: '王小明', relation: 'other', status: 'pending', primary: false, created_at: '' }]),
    });
    const comp = page('family/detail');
    comp.instance.onLoad({ id: '12' });
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('社区工作人员核对后即完成登记');
    expect(comp.dom.innerHTML).not.toContain('设为主监护人');
  });
});

describe('review', () => {
  const pending = [
    { id: 1, person_id: 11, person_name: '李大爷', user_id: 5, user_name: '王小明', relation: 'other', kind: 'register', status: 'pending', reason: '', decided_at: null, created_at: '2026-11-26T09:30:00+08:00' },
    { id: 2, person_id: 11, person_name: '李大爷', user_id: 8, user_name: '李强', relation: 'parent', kind: 'join', status: 'pending', reason: '', decided_at: null, created_at: '2026-11-26T10:00:00+08:00' },
  ];

  test('approves and rejects with a reason', async () => {
    wx.setStorageSync('linli.user', staffUser);
    const calls = fakeServer({
      'GET /admin/guardian-requests': list(pending),
      'POST /admin/guardian-requests/1/approve': () => [200, Object.assign({}, pending[0], { status: 'approved' })],
      'POST /admin/guardian-requests/2/reject': () => [200, Object.assign({}, pending[1], { status: 'rejected' })],
    });
    const comp = page('review');
    await comp.instance.load();
    expect(comp.querySelectorAll('.request')).toHaveLength(2);
    expect(comp.dom.innerHTML).toContain('登记家人');
    expect(comp.dom.innerHTML).toContain('李强');
    await comp.instance.approve({ currentTarget: { dataset: { id: 1 } } });
    expect(comp.querySelectorAll('.request')).toHaveLength(1);

    comp.instance.reject({ currentTarget: { dataset: { id: 2 } } });
    const modal = wx.showModal.mock.calls[0][0];
    expect(modal.editable).toBe(true);
    modal.success({ confirm: true, content: '  ' });
    expect(calls.some((c) => c.key === 'POST /admin/guardian-requests/2/reject')).toBe(false);
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请写明驳回原因' }));
    modal.success({ confirm: true, content: '关系无法核实' });
    await settle();
    expect(calls.find((c) => c.key === 'POST /admin/guardian-requests/2/reject').data).toEqual({ reason: '关系无法核实' });
    expect(comp.dom.innerHTML).toContain('没有待审核的申请');
  });

  test('offers only to reject a request whose ID card did not match', async () => {
    wx.setStorageSync('linli.user', staffUser);
    fakeServer({
      'GET /admin/guardian-requests': list([
        Object.assign({}, pending[1], { id_card_matched: false }),
        { id: 3, person_id: null, person_name: null, user_id: 9, user_name: '赵奶奶', relation: 'self', kind: 'claim', status: 'pending', reason: '', id_card_matched: false, decided_at: null, created_at: '2026-11-26T10:30:00+08:00' },
        Object.assign({}, pending[0], { id: 4, id_card_matched: null }),
      ]),
    });
    const comp = page('review');
    await comp.instance.load();
    const cards = comp.querySelectorAll('.request');
    expect(cards).toHaveLength(3);
    expect(cards[0].dom.innerHTML).toContain('申请人填写的身份证号与该居民档案不符');
    expect(cards[1].dom.innerHTML).toContain('（未找到档案）');
    expect(cards[1].dom.innerHTML).toContain('社区中没有与申请人填写的身份证号相符的档案');
    for (const i of [0, 1]) {
      expect(cards[i].dom.innerHTML).not.toContain('通过</');
      expect(cards[i].dom.innerHTML).toContain('驳回');
    }
    expect(cards[2].dom.innerHTML).toContain('通过');
    expect(cards[2].dom.innerHTML).not.toContain('不能通过');
  });

  test('offers a retry when loading fails', async () => {
    fakeServer({ 'GET /admin/guardian-requests': () => 'network' });
    const comp = page('review');
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('重试');
  });
});

describe('mine', () => {
  test('opens 家人 for everyone and 审核 only for staff', async () => {
    fakeServer({ 'GET /me': () => [200, me] });
    let comp = page('mine');
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('家人');
    expect(comp.dom.innerHTML).not.toContain('审核');
    comp.instance.openFamily();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/family/index' });

    fakeServer({ 'GET /me': () => [200, staffUser] });
    comp = page('mine');
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('审核');
    comp.instance.openReview();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/review/index' });
  });
});
