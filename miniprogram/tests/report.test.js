const { fakeServer, page, settle } = require('./helpers');
const { tap, change, shown } = require('./taps');
const api = require('../utils/api');
const subscribe = require('../utils/subscribe');

const me = { id: 5, name: '王小明', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3 };
const worker = Object.assign({}, me, { id: 8, roles: [{ community_id: 7, role: 'grid_worker' }] });
const list = (items, next) => () => [200, { items, next_cursor: next || '' }];
const error = (status, code, message, fields) => () => [status, { error: { code, message, request_id: 'r', fields } }];

const report = (over) => Object.assign({
  id: 41, community_id: 7, status: 'assigned', category: 'repair', category_name: '设施报修', level: 'major', urgency: 'normal',
  description: '楼道灯坏了', building_id: 70, building_name: '1幢', unit: '1单元', location_text: '', lat: null, lng: null,
  person_id: 3, anonymous: false, flagged: false, assignee_user_id: 8, assignee_name: '张网格', accept_by: '2026-11-26T12:00:00+08:00',
  resolve_by: '2026-11-28T12:00:00+08:00', rating: null, comment: '', reporter_name: '王小明', reporter_phone: '138****0000',
  photo_ids: [], photos: [], created_at: '2026-11-26T10:00:00+08:00', updated_at: '2026-11-26T10:00:00+08:00',
  timeline: [
    { at: '2026-11-26T10:00:00+08:00', actor: '王小明', actor_user_id: 5, role: 'resident', action: 'submitted', note: '' },
    { at: '2026-11-26T10:00:01+08:00', actor: '系统', actor_user_id: null, role: 'system', action: 'assigned', note: '' },
  ],
}, over);

beforeEach(() => {
  global.resetWx();
  subscribe.reset();
  wx.setStorageSync('linli.token', 'lt_token');
  wx.setStorageSync('linli.user', me);
});

describe('report tab', () => {
  test('lists my reports with their progress, and offers 我的任务 to workers', async () => {
    fakeServer({ 'GET /reports': list([report(), report({ id: 42, status: 'resolved', category_name: '环境卫生' })]) });
    const comp = page('report');
    comp.instance.onShow();
    await settle();
    expect(comp.dom.innerHTML).toContain('已派单');
    expect(comp.dom.innerHTML).toContain('已处理，待确认');
    expect(comp.dom.innerHTML).not.toContain('我的任务');
    comp.querySelectorAll('.report')[1].dispatchEvent('tap');
    await settle();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/report/detail/index?id=42' });
    wx.setStorageSync('linli.user', worker);
    comp.instance.onShow();
    await settle();
    expect(comp.dom.innerHTML).toContain('我的任务');
  });
});

describe('report form', () => {
  const routes = (extra) => Object.assign({
    'GET /report-categories': list([
      { key: 'repair', name: '设施报修', level: 'major' },
      { key: 'gas', name: '燃气泄漏', level: 'urgent' },
    ]),
    'GET /communities/7/buildings': list([{ id: 70, name: '1幢' }, { id: 71, name: '2幢' }]),
    'GET /persons': list([{ id: 3, name: '王小明', guardianship: 'self' }, { id: 9, name: '王秀英', guardianship: 'approved', relation: 'parent' }]),
    'GET /app-config': () => [200, { subscribe_templates: { report_updated: 'tpl-updated', report_assigned: 'tpl-assigned' } }],
    'POST /me/subscriptions': () => [200, { consents: [] }],
  }, extra);

  async function opened(extra) {
    const calls = fakeServer(routes(extra));
    const comp = page('report/form');
    comp.instance.onShow();
    await settle();
    return { comp, calls };
  }

  test('says what is missing, warns about emergencies, asks consent, then submits for a family member with photos', async () => {
    const { comp, calls } = await opened({ 'POST /reports': () => [201, report({ id: 77 })] });
    await comp.instance.submit();
    expect(comp.data.errors).toMatchObject({ category: '请选择类别', description: '请说说是什么问题', building_id: '请选择楼栋，或在地图上选位置' });
    expect(calls.some((c) => c.key === 'POST /reports')).toBe(false);

    comp.instance.pickCategory({ detail: { value: '1' } });
    expect(wx.showModal.mock.calls[0][0].content).toContain('110 / 120');
    wx.showModal.mock.calls[0][0].success({ confirm: true });
    expect(wx.makePhoneCall).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '120' }));
    comp.instance.pickCategory({ detail: { value: '0' } });
    comp.instance.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: ' 水管漏水 ' } });
    comp.instance.pickBuilding({ detail: { value: '1' } });
    comp.instance.pickPerson({ detail: { value: '1' } });
    comp.instance.onSwitch({ currentTarget: { dataset: { field: 'anonymous' } }, detail: { value: true } });

    wx.chooseMedia.mockImplementation(({ success }) => success({ tempFiles: [{ tempFilePath: 'wxfile://a.jpg' }] }));
    wx.uploadFile.mockImplementation((opts) => setTimeout(() => opts.success({ statusCode: 201, data: JSON.stringify({ id: 501, url: 'https://x/files/a.jpg' }) }), 0));
    comp.instance.choosePhotos();
    await settle();
    expect(wx.uploadFile.mock.calls[0][0].header.Authorization).toBe('Bearer lt_token');
    expect(comp.data.photos).toEqual([{ id: 501, url: 'https://x/files/a.jpg' }]);

    wx.requestSubscribeMessage.mockImplementation(({ success }) => success({ 'tpl-updated': 'accept' }));
    await comp.instance.submit();
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-updated']);
    expect(calls.find((c) => c.key === 'POST /me/subscriptions').data).toEqual({ template_ids: ['tpl-updated'] });
    expect(calls.find((c) => c.key === 'POST /reports').data).toEqual({
      category: 'repair', description: '水管漏水', building_id: 71, unit: '', urgency: 'normal', photo_ids: [501], anonymous: true, person_id: 9,
    });
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/report/detail/index?id=77' });
  });

  test('a photo is taken away with the ✕ on it', async () => {
    const { comp } = await opened();
    let n = 500;
    wx.chooseMedia.mockImplementation(({ success }) => success({ tempFiles: [{ tempFilePath: 'wxfile://a.jpg' }, { tempFilePath: 'wxfile://b.jpg' }] }));
    wx.uploadFile.mockImplementation((opts) => {
      n += 1;
      const id = n;
      setTimeout(() => opts.success({ statusCode: 201, data: JSON.stringify({ id, url: 'https://x/files/' + id + '.jpg' }) }), 0);
    });
    await tap(comp, '#add-photo');
    expect(comp.querySelectorAll('.photo-remove')).toHaveLength(2);
    // The ✕ is drawn on the photo: no long press is needed.
    expect(comp.querySelector('#remove-501').dom.innerHTML).toContain('✕');
    await tap(comp, '#remove-501');
    expect(comp.data.photos).toEqual([{ id: 502, url: 'https://x/files/502.jpg' }]);
    expect(comp.querySelectorAll('.photo-remove')).toHaveLength(1);
  });

  test("refused consent changes nothing, and the server's refusal is shown", async () => {
    const { comp, calls } = await opened({ 'POST /reports': error(422, 'content_rejected', '内容含有不适宜的信息，请修改后再提交') });
    comp.instance.pickCategory({ detail: { value: '0' } });
    comp.instance.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '有违禁内容' } });
    comp.instance.pickBuilding({ detail: { value: '0' } });
    wx.requestSubscribeMessage.mockImplementation(({ fail }) => fail({ errMsg: 'requestSubscribeMessage:fail cancel' }));
    await comp.instance.submit();
    expect(calls.some((c) => c.key === 'POST /me/subscriptions')).toBe(false);
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '内容含有不适宜的信息，请修改后再提交' }));
    expect(comp.data.saving).toBe(false);
  });
});

describe('where: a building, or a point on the map', () => {
  const routes = {
    'GET /report-categories': list([{ key: 'repair', name: '设施报修', level: 'major' }]),
    'GET /communities/7/buildings': list([{ id: 70, name: '1幢' }, { id: 71, name: '2幢' }]),
    'GET /persons': list([{ id: 3, community_id: 7, name: '王小明', guardianship: 'self', building_id: 71, unit: '2单元' }]),
    'GET /app-config': () => [200, { subscribe_templates: {} }],
    'POST /reports': () => [201, report({ id: 77 })],
  };

  async function form(extra) {
    const calls = fakeServer(Object.assign({}, routes, extra));
    const comp = page('report/form');
    comp.instance.onShow();
    await settle();
    await change(comp, '#category-picker', '0');
    await change(comp, '#description', '路灯不亮');
    return { comp, calls };
  }

  test('starts at the user’s own building and unit', async () => {
    const { comp, calls } = await form();
    expect(comp.dom.innerHTML).toContain('楼栋：2幢');
    expect(comp.data.unit).toBe('2单元');
    await tap(comp, '#submit');
    expect(calls.find((c) => c.key === 'POST /reports').data).toMatchObject({ building_id: 71, unit: '2单元' });
  });

  test('选择位置 picks a road, a park or a market on the map, sent with its name instead of the building', async () => {
    const { comp, calls } = await form();
    wx.chooseLocation.mockImplementation(({ success }) => success({ name: '东门菜场', address: '浦江县东门路 12 号', latitude: 29.4561, longitude: 119.8934 }));
    await tap(comp, '#choose-location');
    expect(comp.querySelector('#location-text').dom.innerHTML).toContain('东门菜场');
    expect(comp.dom.innerHTML).toContain('楼栋：请选择（楼里的事）');
    // Coming back from WeChat's map (the page shows again) keeps the point.
    comp.instance.onShow();
    await settle();
    await tap(comp, '#submit');
    const body = calls.find((c) => c.key === 'POST /reports').data;
    expect(body).toMatchObject({ lat: 29.4561, lng: 119.8934, location_text: '东门菜场' });
    expect(body.building_id).toBeUndefined();
  });

  test('a building picked again drops the point; ✕ drops it too; with neither, it says what is missing', async () => {
    const { comp, calls } = await form();
    wx.chooseLocation.mockImplementation(({ success }) => success({ name: '', address: '人民公园北门', latitude: 29.45, longitude: 119.89 }));
    await tap(comp, '#choose-location');
    expect(comp.querySelector('#location-text').dom.innerHTML).toContain('人民公园北门');
    await change(comp, '#building-picker', '0');
    expect(shown(comp, '#location')).toBe(false);
    await tap(comp, '#choose-location');
    await tap(comp, '#clear-location');
    expect(shown(comp, '#location')).toBe(false);
    await tap(comp, '#submit');
    expect(comp.querySelector('#error-building_id').dom.innerHTML).toContain('请选择楼栋，或在地图上选位置');
    expect(calls.some((c) => c.key === 'POST /reports')).toBe(false);
  });

  test('a refusal to open the map is explained, a cancel is not', async () => {
    const { comp } = await form();
    wx.chooseLocation.mockImplementation(({ fail }) => fail({ errMsg: 'chooseLocation:fail cancel' }));
    await tap(comp, '#choose-location');
    expect(wx.showModal).not.toHaveBeenCalled();
    wx.chooseLocation.mockImplementation(({ fail }) => fail({ errMsg: 'chooseLocation:fail auth deny' }));
    await tap(comp, '#choose-location');
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '需要位置信息权限', confirmText: '去设置' });
    expect(wx.showModal.mock.calls[0][0].content).toContain('选择楼栋');
  });

  test('the report shows the place, and opens it on the map', async () => {
    fakeServer({ 'GET /reports/41': () => [200, report({ building_id: null, building_name: '', unit: '', location_text: '东门菜场', lat: 29.4561, lng: 119.8934 })] });
    const comp = page('report/detail');
    comp.instance.onLoad({ id: '41' });
    comp.instance.onShow();
    await settle();
    expect(comp.querySelector('#place').dom.innerHTML).toContain('位置：东门菜场');
    await tap(comp, '#open-map');
    expect(wx.openLocation).toHaveBeenCalledWith(expect.objectContaining({ latitude: 29.4561, longitude: 119.8934, name: '东门菜场' }));
  });
});

describe('report detail', () => {
  test('shows the progress and confirms with a rating', async () => {
    const calls = fakeServer({
      'GET /reports/41': () => [200, report({ status: 'resolved', photos: [{ id: 1, url: 'https://x/files/1.jpg', purpose: 'report' }] })],
      'POST /reports/41/confirm': () => [200, report({ status: 'closed' })],
    });
    const comp = page('report/detail');
    comp.instance.onLoad({ id: '41' });
    await comp.instance.load();
    const html = comp.dom.innerHTML;
    for (const text of ['已处理，待确认', '王小明 提交了报事', '系统 派单', '确认已解决', '重新打开']) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain('撤销报事');
    comp.instance.rate({ currentTarget: { dataset: { n: 4 } } });
    comp.instance.onComment({ detail: { value: '挺快' } });
    await comp.instance.confirm();
    expect(calls.find((c) => c.key === 'POST /reports/41/confirm').data).toEqual({ rating: 4, comment: '挺快' });
  });
});

describe('tasks', () => {
  test('accepts, claims and returns with a reason', async () => {
    wx.setStorageSync('linli.user', worker);
    const calls = fakeServer({
      'GET /worker/tasks': list([report({ anonymous: true })]),
      'GET /worker/open-tasks': list([report({ id: 50, level: 'minor', category_name: '环境卫生', status: 'assigned' })]),
      'POST /worker/tasks/41/accept': () => [200, report({ status: 'accepted' })],
      'POST /worker/tasks/41/return': () => [200, report({ status: 'returned' })],
      'POST /worker/tasks/50/claim': error(409, 'already_claimed', '已有人接单'),
    });
    const comp = page('report/task');
    await comp.instance.load();
    expect(comp.dom.innerHTML).toContain('报事人：匿名');
    expect(comp.dom.innerHTML).not.toContain('138****0000');
    await comp.instance.accept({ currentTarget: { dataset: { id: 41 } } });
    expect(calls.some((c) => c.key === 'POST /worker/tasks/41/accept')).toBe(true);
    comp.instance.giveBack({ currentTarget: { dataset: { id: 41 } } });
    wx.showModal.mock.calls[0][0].success({ confirm: true, content: '' });
    expect(calls.some((c) => c.key === 'POST /worker/tasks/41/return')).toBe(false);
    wx.showModal.mock.calls[0][0].success({ confirm: true, content: '不是我网格的' });
    await settle();
    expect(calls.find((c) => c.key === 'POST /worker/tasks/41/return').data).toEqual({ reason: '不是我网格的' });
    comp.instance.pickTab({ currentTarget: { dataset: { index: 3 } } });
    await settle();
    expect(comp.dom.innerHTML).toContain('认领');
    await comp.instance.claim({ currentTarget: { dataset: { id: 50 } } });
    expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '已有人接单' }));
  });
});

describe('upload', () => {
  test('signs in again once on 401 and reports server errors', async () => {
    fakeServer({ 'POST /auth/login': () => [200, { token: 'lt_new', expires_at: '', user: me }] });
    let n = 0;
    wx.uploadFile.mockImplementation((opts) => {
      n += 1;
      const ok = opts.header.Authorization === 'Bearer lt_new';
      setTimeout(() => opts.success(ok
        ? { statusCode: 415, data: JSON.stringify({ error: { code: 'unsupported_type', message: '只能上传 JPG、PNG 或 WebP 图片', request_id: 'r' } }) }
        : { statusCode: 401, data: '{}' }), 0);
    });
    await expect(api.upload('wxfile://x')).rejects.toMatchObject({ code: 'unsupported_type' });
    expect(n).toBe(2);
    expect(wx.uploadFile.mock.calls[0][0].header['Idempotency-Key']).toBe(wx.uploadFile.mock.calls[1][0].header['Idempotency-Key']);
  });
});
