const fs = require('fs');
const path = require('path');
const { fakeServer, page, settle } = require('./helpers');
const care = require('../utils/care');
const words = require('../utils/alert');

const me = { id: 5, name: '王小明', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3 };

const raised = { at: '2026-12-01T11:40:00+08:00', actor: '李师傅', actor_user_id: 40, role: 'rider', action: 'raised', note: '敲门三次无人应' };
const alert = (over) => Object.assign({
  id: 31, community_id: 7, person_id: 11, person_name: '王秀英', address: '2幢 1单元 102', order_id: 501, kind: 'no_answer',
  status: 'open', what: '12-01 午餐送餐', note: '敲门三次无人应', raised_at: '2026-12-01T11:40:00+08:00',
  escalate_at: '2026-12-01T12:10:00+08:00', closed_at: null, closed_by_name: null, escalated_at: null, report_id: null,
  steps: [raised], person_phone: '13857900001', worker: { user_id: 20, name: '陈网格', phone: '13957900020' }, your_role: 'guardian',
}, over);
// A closed alert, as the server answers it: no numbers to call any more.
const closedBy = (name, uid, note) => alert({
  status: 'closed', closed_at: '2026-12-01T11:52:00+08:00', closed_by_name: name, person_phone: null, worker: null,
  steps: [raised, { at: '2026-12-01T11:52:00+08:00', actor: name, actor_user_id: uid, role: 'guardian', action: 'safe', note: note || '' }],
});
const error = (status, code, message) => () => [status, { error: { code, message, request_id: 'r' } }];
const list = (items) => () => [200, { items, next_cursor: '' }];

beforeEach(() => {
  global.resetWx();
  wx.setStorageSync('linli.token', 'lt_token');
  wx.setStorageSync('linli.user', me);
});

async function opened(routes) {
  const calls = fakeServer(routes);
  const comp = page('alert');
  comp.instance.onLoad({ id: '31' });
  await comp.instance.load();
  return { comp, calls };
}

describe('alert words', () => {
  test('say times as people do and name each step in Chinese', () => {
    expect(words.when('2026-12-01T11:40:00+08:00', '2026-12-01')).toBe('今天 11:40');
    expect(words.when('2026-11-30T18:05:00+08:00', '2026-12-01')).toBe('昨天 18:05');
    expect(words.when('2026-11-27T09:00:00+08:00', '2026-12-01')).toBe('11月27日 09:00');
    expect(words.when(null)).toBe('');
    expect(words.step(raised, '2026-12-01')).toMatchObject({ who: '李师傅（送餐员）', what: '送餐无人应答', when: '今天 11:40' });
    expect(words.step({ at: raised.at, actor: '系统', role: 'system', action: 'escalated', note: '' }).who).toBe('系统');
    expect(words.step({ at: raised.at, actor: '', role: 'worker', action: 'going', note: '' }).what).toBe('正在上门查看');
    expect(words.ACTIONS.safe).toBe('确认平安');
  });
});

describe('安危确认 page', () => {
  test('shows an open alert: the red banner, the elder, what happened, both phones and both answers', async () => {
    const calls = fakeServer({ 'GET /alerts/31': () => [200, alert()] });
    const comp = page('alert');
    comp.instance.onLoad({ id: '31' });
    const loading = comp.instance.load();
    expect(comp.dom.innerHTML).toContain('正在读取安危提醒');
    await loading;
    const html = comp.dom.innerHTML;
    for (const text of ['安危确认：送餐无人应答', '王秀英', '2幢 1单元 102', '12-01 午餐送餐', '敲门三次无人应', '11:40',
      '打电话给老人', '13857900001', '打电话给网格员', '陈网格', '13957900020', '已联系上，平安', '我去看看',
      '李师傅（送餐员） 送餐无人应答', '12:10 前无人确认']) {
      expect(html).toContain(text);
    }
    expect(comp.querySelector('#banner')).toBeTruthy();
    expect(comp.querySelector('#closed')).toBeFalsy();
    expect(calls.map((c) => c.key)).toEqual(['GET /alerts/31']);
  });

  test('every tappable view says what it does to a screen reader', () => {
    // The simulator drops aria-label from its DOM, so the templates are read as written.
    for (const name of ['alert', 'family/detail']) {
      const wxml = fs.readFileSync(path.join(__dirname, '..', 'pages', name, 'index.wxml'), 'utf8');
      const views = wxml.match(/<view\b[^>]*>/g).filter((tag) => /bind:tap=/.test(tag));
      expect(views.length).toBeGreaterThan(0);
      views.forEach((tag) => expect(tag).toMatch(/aria-label="[^"]+"/));
    }
  });

  test('tapping a call button dials the number in full', async () => {
    const { comp } = await opened({ 'GET /alerts/31': () => [200, alert()] });
    comp.querySelector('#call-elder').dispatchEvent('tap');
    await settle();
    expect(wx.makePhoneCall).toHaveBeenLastCalledWith(expect.objectContaining({ phoneNumber: '13857900001' }));
    comp.querySelector('#call-worker').dispatchEvent('tap');
    await settle();
    expect(wx.makePhoneCall).toHaveBeenLastCalledWith(expect.objectContaining({ phoneNumber: '13957900020' }));
  });

  test('an elder with no phone and no grid worker on duty: says so, offers no call', async () => {
    const { comp } = await opened({ 'GET /alerts/31': () => [200, alert({ person_phone: null, worker: null })] });
    expect(comp.querySelector('#call-elder')).toBeFalsy();
    expect(comp.querySelector('#call-worker')).toBeFalsy();
    expect(comp.dom.innerHTML).toContain('老人没有登记电话');
    expect(comp.querySelector('#safe')).toBeTruthy();
  });

  test('已联系上，平安: asks for an optional note, sends it, then shows the alert closed', async () => {
    const { comp, calls } = await opened({
      'GET /alerts/31': () => [200, alert()],
      'POST /alerts/31/acknowledge': () => [200, Object.assign(closedBy('王小明', 5, '已通电话，在家'), { person_phone: null, worker: null })],
    });
    // Cancelling the question sends nothing.
    comp.querySelector('#safe').dispatchEvent('tap');
    await settle();
    let modal = wx.showModal.mock.calls[0][0];
    expect(modal.editable).toBe(true);
    expect(modal.title).toContain('平安');
    modal.success({ confirm: false });
    await settle();
    expect(calls.filter((c) => c.key === 'POST /alerts/31/acknowledge')).toHaveLength(0);

    comp.querySelector('#safe').dispatchEvent('tap');
    await settle();
    modal = wx.showModal.mock.calls[1][0];
    modal.success({ confirm: true, content: '  已通电话，在家  ' });
    await settle();
    const post = calls.find((c) => c.key === 'POST /alerts/31/acknowledge');
    expect(post.data).toEqual({ outcome: 'safe', note: '已通电话，在家' });
    expect(post.header['Idempotency-Key']).toBeTruthy();
    const html = comp.dom.innerHTML;
    expect(comp.querySelector('#closed')).toBeTruthy();
    expect(comp.querySelector('#banner')).toBeFalsy();
    expect(html).toContain('已确认平安');
    expect(html).toContain('王小明 ');
    expect(html).toContain('11:52 确认');
    expect(html).toContain('王小明（家属） 确认平安');
    expect(html).toContain('已通电话，在家');
    expect(comp.querySelector('#safe')).toBeFalsy();
    expect(comp.querySelector('#going')).toBeFalsy();
    // Closed, nobody is left to call: the numbers read before go too.
    expect(comp.querySelector('#call-elder')).toBeFalsy();
    expect(comp.querySelector('#call-worker')).toBeFalsy();
    expect(comp.dom.innerHTML).not.toContain('13857900001');
    expect(comp.dom.innerHTML).not.toContain('13957900020');
    expect(comp.data.alert.person_phone).toBeNull();
    expect(comp.querySelector('#no-phone')).toBeFalsy();
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已告诉大家：平安' }));
  });

  test('平安 with no note sends only the outcome', async () => {
    const { comp, calls } = await opened({
      'GET /alerts/31': () => [200, alert()],
      'POST /alerts/31/acknowledge': () => [200, closedBy('王小明', 5)],
    });
    comp.querySelector('#safe').dispatchEvent('tap');
    await settle();
    wx.showModal.mock.calls[0][0].success({ confirm: true, content: '' });
    await settle();
    expect(calls.find((c) => c.key === 'POST /alerts/31/acknowledge').data).toEqual({ outcome: 'safe' });
  });

  test('我去看看 tells everyone and keeps 平安 on offer', async () => {
    const going = { at: '2026-12-01T11:45:00+08:00', actor: '王小明', actor_user_id: 5, role: 'guardian', action: 'going', note: '' };
    const { comp, calls } = await opened({
      'GET /alerts/31': () => [200, alert()],
      'POST /alerts/31/acknowledge': () => [200, alert({ steps: [raised, going] })],
    });
    comp.querySelector('#going').dispatchEvent('tap');
    await settle();
    expect(wx.showModal).not.toHaveBeenCalled();
    expect(calls.find((c) => c.key === 'POST /alerts/31/acknowledge').data).toEqual({ outcome: 'going' });
    const html = comp.dom.innerHTML;
    expect(html).toContain('王小明（家属） 正在上门查看');
    expect(html).toContain('您已告诉大家您正在上门查看');
    expect(comp.querySelector('#going')).toBeFalsy();
    expect(comp.querySelector('#safe')).toBeTruthy();
    expect(comp.querySelector('#banner')).toBeTruthy();
  });

  test('someone confirmed first (409 alert_closed): reloads and shows who and when', async () => {
    let closed = false;
    const { comp, calls } = await opened({
      'GET /alerts/31': () => [200, closed ? closedBy('王小红', 6) : alert()],
      'POST /alerts/31/acknowledge': () => {
        closed = true;
        return error(409, 'alert_closed', '已有人确认')();
      },
    });
    comp.querySelector('#going').dispatchEvent('tap');
    await settle();
    expect(calls.map((c) => c.key)).toEqual(['GET /alerts/31', 'POST /alerts/31/acknowledge', 'GET /alerts/31']);
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已有人确认平安' }));
    expect(comp.querySelector('#closed')).toBeTruthy();
    expect(comp.dom.innerHTML).toContain('王小红 ');
    expect(comp.querySelector('#going')).toBeFalsy();
    expect(comp.data.busy).toBe('');
  });

  test('another failure says so and leaves the answers on offer', async () => {
    const { comp } = await opened({
      'GET /alerts/31': () => [200, alert()],
      'POST /alerts/31/acknowledge': () => 'network',
    });
    comp.querySelector('#going').dispatchEvent('tap');
    await settle();
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络不太好，请稍后再试' }));
    expect(comp.querySelector('#going')).toBeTruthy();
    expect(comp.data.busy).toBe('');
  });

  test('escalated: says a grid worker was sent, and still offers 平安', async () => {
    const escalated = { at: '2026-12-01T12:10:00+08:00', actor: '系统', actor_user_id: null, role: 'system', action: 'escalated', note: '' };
    const { comp } = await opened({
      'GET /alerts/31': () => [200, alert({ status: 'escalated', escalated_at: '2026-12-01T12:10:00+08:00', report_id: 77, steps: [raised, escalated] })],
    });
    const html = comp.dom.innerHTML;
    expect(html).toContain('安危确认：送餐无人应答');
    expect(html).toContain('30 分钟内无人确认，社区已派网格员上门查看');
    expect(html).toContain('系统 已派网格员上门');
    expect(comp.querySelector('#safe')).toBeTruthy();
  });

  test('the elder themselves: no call to oneself, no 我去看看', async () => {
    const { comp } = await opened({ 'GET /alerts/31': () => [200, alert({ your_role: 'elder' })] });
    expect(comp.querySelector('#call-elder')).toBeFalsy();
    expect(comp.querySelector('#going')).toBeFalsy();
    expect(comp.querySelector('#call-worker')).toBeTruthy();
    expect(comp.dom.innerHTML).toContain('我很好，平安');
  });

  test('an alert not found shows the failed state, and 重试 loads it', async () => {
    let found = false;
    const { comp } = await opened({ 'GET /alerts/31': () => (found ? [200, alert()] : error(404, 'not_found', '内容不存在')()) });
    expect(comp.data.failed).toBe(true);
    expect(comp.dom.innerHTML).toContain('找不到这条安危提醒');
    expect(comp.querySelector('#retry')).toBeTruthy();
    expect(comp.querySelector('#safe')).toBeFalsy();
    expect(wx.showToast).not.toHaveBeenCalled();
    found = true;
    comp.querySelector('#retry').dispatchEvent('tap');
    await settle();
    expect(comp.data.failed).toBe(false);
    expect(comp.querySelector('#banner')).toBeTruthy();
  });

  test('pull-down refreshes, and a failed refresh keeps the alert on the page', async () => {
    let answer = [200, alert()];
    const { comp, calls } = await opened({ 'GET /alerts/31': () => answer });
    answer = [200, closedBy('王小红', 6)];
    await comp.instance.onPullDownRefresh();
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
    expect(calls.filter((c) => c.key === 'GET /alerts/31')).toHaveLength(2);
    expect(comp.querySelector('#closed')).toBeTruthy();
    answer = 'network';
    await comp.instance.onPullDownRefresh();
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(2);
    expect(comp.querySelector('#closed')).toBeTruthy();
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '刷新没有成功，请稍后再试' }));
  });

  test('care mode enlarges the page', async () => {
    care.set(true);
    const { comp } = await opened({ 'GET /alerts/31': () => [200, alert()] });
    expect(comp.data.care).toBe(true);
    expect(comp.querySelector('.page').dom.className).toContain('care');
  });
});

describe('家人 → the elder', () => {
  const person = {
    id: 11, community_id: 7, name: '王秀英', gender: 'female', birth_date: '1945-03-05', age: 81,
    id_card: '330702********0022', phone: '138****0001', building_id: 70, building_name: '2幢', unit: '1单元', room: '102',
    living_alone: true, care_level: 'partly_dependent', diet_notes: '', emergency_contacts: [],
    verified: true, has_account: false, guardianship: 'approved', relation: 'parent', primary: true,
  };
  const routes = (alerts) => ({
    'GET /persons/11': () => [200, person],
    'GET /persons/11/guardians': list([{ user_id: 5, name: '王小明', relation: 'parent', status: 'approved', primary: true, created_at: '' }]),
    'GET /persons/11/alerts': alerts,
  });

  test('shows an open alert first, in red, opening its page; the closed ones below', async () => {
    const older = Object.assign(closedBy('王小红', 6), { id: 30, what: '11-28 晚餐送餐', person_phone: null, worker: null });
    const calls = fakeServer(routes(list([alert({ person_phone: null, worker: null, your_role: null }), older])));
    const comp = page('family/detail');
    comp.instance.onLoad({ id: '11' });
    await comp.instance.load();
    expect(calls.find((c) => c.key === 'GET /persons/11/alerts')).toBeTruthy();
    const html = comp.dom.innerHTML;
    const banner = html.indexOf('安危确认：送餐无人应答');
    expect(banner).toBeGreaterThanOrEqual(0);
    expect(banner).toBeLessThan(html.indexOf('王秀英'));
    expect(html).toContain('还没有人确认平安');
    expect(html).toContain('近期安危确认');
    expect(html).toContain('11-28 晚餐送餐 无人应答');
    expect(html).toContain('王小红 ');
    expect(comp.querySelectorAll('.alert-live')).toHaveLength(1);
    expect(comp.querySelectorAll('.alert-past')).toHaveLength(1);
    comp.querySelector('.alert-live').dispatchEvent('tap');
    await settle();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/alert/index?id=31' });
    comp.querySelector('.alert-past').dispatchEvent('tap');
    await settle();
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/alert/index?id=30' });
  });

  test('an escalated alert says a grid worker was sent', async () => {
    fakeServer(routes(list([alert({ status: 'escalated', person_phone: null, worker: null })])));
    const comp = page('family/detail');
    comp.instance.onLoad({ id: '11' });
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('30 分钟内无人确认，社区已派网格员上门查看');
  });

  test('no alerts, or alerts that fail to load, leave the record as it was', async () => {
    fakeServer(routes(list([])));
    let comp = page('family/detail');
    comp.instance.onLoad({ id: '11' });
    await comp.instance.load();
    expect(comp.dom.innerHTML).not.toContain('安危确认');
    expect(comp.dom.innerHTML).toContain('王秀英');

    fakeServer(routes(() => 'network'));
    comp = page('family/detail');
    comp.instance.onLoad({ id: '11' });
    await comp.instance.load();
    expect(comp.data.failed).toBe(false);
    expect(comp.dom.innerHTML).not.toContain('安危确认');
    expect(comp.dom.innerHTML).toContain('王秀英');
  });
});
