// The worker's side: a task opens whole (photos, place, timeline) with a call to the reporter when
// the report is not anonymous; and staff reach the rider's page, from 我的 and from the canteen.
const { fakeServer, loginRoute, page, settle, tapAsksFirst } = require('./helpers');
const { tap, shown } = require('./taps');
const subscribe = require('../utils/subscribe');

const worker = { id: 8, name: '张网格', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'grid_worker' }], person_id: 4 };
const volunteer = Object.assign({}, worker, { id: 10, name: '李师傅', roles: [{ community_id: 7, role: 'volunteer' }] });
const staff = Object.assign({}, worker, { id: 11, name: '陈主任', roles: [{ community_id: 7, role: 'staff' }] });
const list = (items) => () => [200, { items, next_cursor: '' }];

const task = (over) => Object.assign({
  id: 41, community_id: 7, status: 'assigned', category: 'repair', category_name: '设施报修', level: 'major', urgency: 'normal',
  description: '路灯不亮', building_id: null, building_name: '', unit: '', location_text: '东门菜场', lat: 29.4561, lng: 119.8934,
  person_id: 3, anonymous: false, flagged: false, assignee_user_id: 8, assignee_name: '张网格', accept_by: '2026-11-26T12:00:00+08:00',
  resolve_by: '2026-11-28T12:00:00+08:00', rating: null, comment: '', reporter_name: '王小明', reporter_phone: '13857900001',
  photo_ids: [1], photos: [{ id: 1, url: 'https://x/files/1.jpg', purpose: 'report' }],
  created_at: '2026-11-26T10:00:00+08:00', updated_at: '2026-11-26T10:00:00+08:00',
  timeline: [
    { at: '2026-11-26T10:00:00+08:00', actor: '王小明', actor_user_id: 5, role: 'resident', action: 'submitted', note: '' },
    { at: '2026-11-26T10:00:01+08:00', actor: '系统', actor_user_id: null, role: 'system', action: 'to_staff', note: '' },
    { at: '2026-11-26T10:05:00+08:00', actor: '陈主任', actor_user_id: 11, role: 'staff', action: 'assigned', note: '' },
  ],
}, over);

function signIn(user) {
  wx.setStorageSync('linli.token', 'lt_token');
  wx.setStorageSync('linli.user', user);
}

async function opened(id) {
  const comp = page('report/task/detail');
  comp.instance.onLoad({ id: String(id) });
  comp.instance.onShow();
  await settle();
  return comp;
}

beforeEach(() => {
  global.resetWx();
  subscribe.reset({});
});

describe('a task opened whole', () => {
  test('from 我的任务: photos, place on the map, timeline, and a call to the reporter', async () => {
    signIn(worker);
    const calls = fakeServer({
      'GET /worker/tasks': list([task({ reporter_phone: '138****0001' })]),
      'GET /worker/tasks/41': () => [200, task()],
      'GET /me': () => [200, worker],
    });
    const tasks = page('report/task');
    tasks.instance.onShow();
    await settle();
    // The list shows the number masked; the task's page is one tap away.
    expect(tasks.dom.innerHTML).toContain('138****0001');
    await tap(tasks, '.task-info', 0);
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/report/task/detail/index?id=41' });

    const comp = await opened(41);
    expect(calls.some((c) => c.key === 'GET /worker/tasks/41')).toBe(true);
    const html = comp.dom.innerHTML;
    for (const text of ['路灯不亮', '东门菜场', '王小明 提交了报事', '系统 交社区分派', '陈主任 派单', '打电话给报事人']) {
      expect(html).toContain(text);
    }
    expect(comp.querySelectorAll('.photo')).toHaveLength(1);
    await tap(comp, '.photo', 0);
    expect(wx.previewImage).toHaveBeenCalledWith({ urls: ['https://x/files/1.jpg'], current: 'https://x/files/1.jpg' });
    await tap(comp, '#open-map');
    expect(wx.openLocation).toHaveBeenCalledWith(expect.objectContaining({ latitude: 29.4561, longitude: 119.8934 }));
    await tap(comp, '#call');
    expect(wx.makePhoneCall).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '13857900001' }));
    expect(shown(comp, '#accept')).toBe(true);
  });

  test('accepting from the task’s page asks for the task pushes first, then shows it accepted', async () => {
    signIn(worker);
    subscribe.reset({ report_assigned: 'tpl-assigned' });
    let status = 'assigned';
    const calls = fakeServer({
      'GET /worker/tasks/41': () => [200, task({ status })],
      'POST /worker/tasks/41/accept': () => {
        status = 'accepted';
        return [200, task({ status })];
      },
      'POST /me/subscriptions': () => [200, { consents: [] }],
      'GET /me': () => [200, worker],
    });
    wx.requestSubscribeMessage.mockImplementation(({ success }) => success({ 'tpl-assigned': 'accept' }));
    const comp = await opened(41);
    expect(shown(comp, '#accept')).toBe(true);
    // The button's own tap handler, as WeChat calls it: the prompt first, before any wait.
    await tapAsksFirst(() => comp.instance.accept({ currentTarget: { dataset: { id: 41 } } }));
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-assigned']);
    expect(calls.some((c) => c.key === 'POST /worker/tasks/41/accept')).toBe(true);
    expect(comp.querySelector('#status').dom.innerHTML).toContain('处理中');
    expect(shown(comp, '#resolve')).toBe(true);
  });

  test('an anonymous report names nobody and offers no call', async () => {
    signIn(worker);
    // As the server answers it: no reporter, and their own steps by 居民.
    const anonymous = task({ anonymous: true, reporter_name: null, reporter_phone: null, person_id: null });
    anonymous.timeline[0] = Object.assign({}, anonymous.timeline[0], { actor: '居民', actor_user_id: null });
    fakeServer({ 'GET /worker/tasks/41': () => [200, anonymous] });
    const comp = await opened(41);
    expect(comp.querySelector('#anonymous').dom.innerHTML).toContain('匿名报事');
    expect(shown(comp, '#call')).toBe(false);
    expect(comp.dom.innerHTML).not.toContain('王小明');
    expect(comp.dom.innerHTML).toContain('居民 提交了报事');
  });

  test('a minor report open to claiming: the number is masked until it is claimed', async () => {
    signIn(volunteer);
    let claimed = false;
    const calls = fakeServer({
      'GET /worker/tasks/50': () => [200, claimed
        ? task({ id: 50, level: 'minor', status: 'accepted', assignee_user_id: 10 })
        : task({ id: 50, level: 'minor', status: 'submitted', assignee_user_id: null, reporter_phone: '138****0001' })],
      'POST /worker/tasks/50/claim': () => {
        claimed = true;
        return [200, task({ id: 50, level: 'minor', status: 'accepted', assignee_user_id: 10 })];
      },
    });
    const comp = await opened(50);
    expect(shown(comp, '#call')).toBe(false);
    expect(comp.querySelector('#claim-first').dom.innerHTML).toContain('认领后可以打电话');
    await tap(comp, '#claim');
    expect(calls.some((c) => c.key === 'POST /worker/tasks/50/claim')).toBe(true);
    await tap(comp, '#call');
    expect(wx.makePhoneCall).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '13857900001' }));
  });

  test('a task no longer the worker’s says so, with a retry', async () => {
    signIn(worker);
    fakeServer({});
    const comp = await opened(41);
    expect(comp.dom.innerHTML).toContain('可能已交给别人处理');
    expect(shown(comp, '#retry')).toBe(true);
  });
});

describe('staff deliver too', () => {
  test('我的 offers 送餐任务 to staff and volunteers, not to residents', async () => {
    for (const [user, offered] of [[staff, true], [volunteer, true], [Object.assign({}, worker, { roles: [{ community_id: 7, role: 'resident' }] }), false]]) {
      global.resetWx();
      signIn(user);
      fakeServer({ 'POST /auth/login': loginRoute(user), 'GET /me': () => [200, user], 'GET /me/messages/unread-count': () => [200, { count: 0 }] });
      const mine = page('mine');
      mine.instance.onShow();
      await settle();
      expect([user.name, shown(mine, '#rider')]).toEqual([user.name, offered]);
      if (offered) {
        mine.querySelector('#rider').dispatchEvent('click');
        await settle();
        expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/canteen/rider/index' });
      }
    }
  });

  test('the canteen offers staff the rider’s list, which they can work', async () => {
    signIn(staff);
    const calls = fakeServer({
      'GET /persons': list([]),
      'GET /canteens': list([{ id: 1, community_id: 7, name: '中埂邻里食堂', address: '' }]),
      'GET /canteens/1/slots': list([]),
      'GET /worker/deliveries': () => [200, { date: '', buildings: [{ building_id: 2, building_name: '2幢', orders: [{
        order_id: 31, meal: 'lunch', person_id: 9, person_name: '王秀英', unit: '1单元', room: '102', phone: '13857900001',
        contact_name: '', contact_phone: '', diet_notes: '', note: '', status: 'booked',
      }] }] }],
      'POST /worker/deliveries/31/delivered': () => [200, { id: 31, status: 'delivered' }],
    });
    const menu = page('canteen');
    menu.instance.onShow();
    await settle();
    await tap(menu, '#rider');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/canteen/rider/index' });
    const rider = page('canteen/rider');
    rider.instance.onShow();
    await settle();
    expect(rider.dom.innerHTML).toContain('王秀英');
    await tap(rider, '.deliver', 0);
    expect(calls.some((c) => c.key === 'POST /worker/deliveries/31/delivered')).toBe(true);
  });
});
