// Privacy as WeChat requires it: the agreement popup (utils/privacy.js, components/privacy-popup),
// the policy page, the family member's consent to give their sensitive details, and every
// refusal explained (utils/denied.js).
const fs = require('fs');
const path = require('path');
const { fakeServer, loginRoute, page, settle } = require('./helpers');
const privacy = require('../utils/privacy');
const denied = require('../utils/denied');
const subscribe = require('../utils/subscribe');

const me = { id: 5, name: '王小明', phone: null, community_id: 7, roles: [{ community_id: 7, role: 'resident' }], person_id: 3 };
const list = (items) => () => [200, { items, next_cursor: '' }];

beforeEach(() => {
  global.resetWx();
  privacy.reset();
  subscribe.reset();
  wx.setStorageSync('linli.token', 'lt_token');
  wx.setStorageSync('linli.user', me);
});

// launch runs app.js's onLaunch (app.js loaded once, with the modules the pages use) and answers
// the listener it gave wx.onNeedPrivacyAuthorization.
let appDef = null;
function launch(routes) {
  if (!appDef) {
    global.App = (def) => {
      appDef = def;
    };
    require('../app');
  }
  fakeServer(Object.assign({
    'POST /auth/login': loginRoute(me),
    'GET /app-config': () => [200, { subscribe_templates: {} }],
    'GET /me': () => [200, me],
  }, routes));
  appDef.onLaunch();
  expect(wx.onNeedPrivacyAuthorization).toHaveBeenCalledTimes(1);
  return wx.onNeedPrivacyAuthorization.mock.calls[0][0];
}

const popupOf = (comp) => comp.querySelector('#privacy-popup');
const showing = (comp) => !!popupOf(comp).querySelector('#privacy-mask');

describe('privacy agreement popup', () => {
  test('shows when WeChat holds a privacy API, links the policy, and lets the API go on when the user agrees', async () => {
    const listener = launch();

    const comp = page('report/form');
    await settle();
    expect(showing(comp)).toBe(false);
    const resolve = jest.fn();
    listener(resolve, { referrer: 'chooseMedia' });
    await settle();
    expect(showing(comp)).toBe(true);
    const html = popupOf(comp).dom.innerHTML;
    expect(html).toContain('隐私保护提示');
    expect(html).toContain('选择或拍摄照片之前，请先阅读并同意我们的隐私政策');
    expect(html).toContain('身份证号（选填）');
    expect(resolve).toHaveBeenCalledWith({ event: 'exposureAuthorization' });

    popupOf(comp).querySelector('#privacy-policy').dispatchEvent('tap');
    await settle();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/privacy/index' });

    // 同意 is WeChat's agreement button: its event, then the resolve WeChat checks against it.
    const agree = popupOf(comp).querySelector('#privacy-agree');
    expect(fs.readFileSync(path.join(__dirname, '..', 'components', 'privacy-popup', 'index.wxml'), 'utf8'))
      .toMatch(/open-type="agreePrivacyAuthorization"\s+bindagreeprivacyauthorization="onAgree"/);
    agree.dispatchEvent('agreeprivacyauthorization');
    await settle();
    expect(resolve).toHaveBeenLastCalledWith({ buttonId: 'privacy-agree', event: 'agree' });
    expect(showing(comp)).toBe(false);
    expect(wx.showToast).not.toHaveBeenCalled();
  });

  test('拒绝 makes the waiting APIs fail, every one of them, and the page that called explains', async () => {
    privacy.init();
    const listener = wx.onNeedPrivacyAuthorization.mock.calls[0][0];
    const comp = page('mine');
    const first = jest.fn();
    const second = jest.fn();
    listener(first, { referrer: 'button.getPhoneNumber' });
    listener(second, { referrer: 'chooseMedia' });
    await settle();
    expect(showing(comp)).toBe(true);
    popupOf(comp).querySelector('#privacy-disagree').dispatchEvent('tap');
    await settle();
    expect(first).toHaveBeenLastCalledWith({ event: 'disagree' });
    expect(second).toHaveBeenLastCalledWith({ event: 'disagree' });
    expect(showing(comp)).toBe(false);
    // WeChat then fails the phone button with the privacy error: the page says why.
    await comp.instance.onPhone({ detail: { errMsg: 'getPhoneNumber:fail privacy permission is not authorized', errno: 104 } });
    const modal = wx.showModal.mock.calls[0][0];
    expect(modal.title).toBe('您没有同意隐私政策');
    expect(modal.content).toContain('所以没有获取微信手机号');
    expect(modal.content).toContain('点“同意”即可');
  });

  test('at first use the popup shows on its own; refusing it leaves browsing as it was', async () => {
    wx.getPrivacySetting.mockImplementation(({ success }) => success({ needAuthorization: true, privacyContractName: '《邻里隐私保护指引》' }));
    require('../utils/care').set(true);
    launch();
    const comp = page('home');
    await settle();
    expect(showing(comp)).toBe(true);
    expect(popupOf(comp).dom.innerHTML).not.toContain('之前，请先阅读');
    // In 关怀模式 like the page under it.
    expect(popupOf(comp).querySelector('#privacy-mask').dom.className).toContain('care');
    popupOf(comp).querySelector('#privacy-disagree').dispatchEvent('tap');
    await settle();
    expect(showing(comp)).toBe(false);
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '可以继续浏览，用到时会再问您' }));
    wx.getPrivacySetting.mockReset();
  });

  test('an agreement already given shows nothing', async () => {
    wx.getPrivacySetting.mockImplementation(({ success }) => success({ needAuthorization: false }));
    launch();
    const comp = page('home');
    await settle();
    expect(showing(comp)).toBe(false);
    wx.getPrivacySetting.mockReset();
  });

  test('only the page in front shows it, and the page shown again takes it back', async () => {
    privacy.init();
    const listener = wx.onNeedPrivacyAuthorization.mock.calls[0][0];
    const below = page('mine');
    const above = page('report/form');
    listener(jest.fn(), { referrer: 'getLocation' });
    await settle();
    expect(showing(above)).toBe(true);
    expect(showing(below)).toBe(false);
    expect(popupOf(above).dom.innerHTML).toContain('使用您的位置之前');
    // Back to the page below (the one above is closed).
    above.detach();
    await settle();
    expect(showing(below)).toBe(true);
  });

  test('every page carries the popup, the policy page excepted', () => {
    const app = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'app.json'), 'utf8'));
    expect(app.__usePrivacyCheck__).toBe(true);
    expect(app.usingComponents['privacy-popup']).toBe('/components/privacy-popup/index');
    for (const name of app.pages) {
      const wxml = fs.readFileSync(path.join(__dirname, '..', name + '.wxml'), 'utf8');
      expect([name, wxml.includes('<privacy-popup')]).toEqual([name, name !== 'pages/privacy/index']);
    }
  });
});

describe('privacy policy page', () => {
  test('is reachable from 我的 and says what is collected, why, who sees it, how long, how to delete, and whom to ask', async () => {
    fakeServer({ 'GET /me': () => [200, me], 'GET /me/messages/unread-count': () => [200, { count: 0 }] });
    const mine = page('mine');
    await mine.instance.load();
    mine.querySelector('#privacy').dispatchEvent('click');
    await settle();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/privacy/index' });

    const comp = page('privacy');
    const html = comp.dom.innerHTML;
    for (const id of ['collect', 'sensitive', 'who', 'keep', 'rights', 'contact']) {
      expect(comp.querySelector('#section-' + id)).toBeTruthy();
    }
    for (const text of [
      '微信身份', '手机号（选填）', '身份证号', '独自居住', '身体状况', '照片', '位置', // what
      '补贴', '送餐上门', // why
      '社区工作人员', '网格员', '送餐骑手', '138****0000', // who, masked
      '30 天', '注销账号', '不再包含已删除的个人信息', // how long, deletion
      '查阅', '更正', '删除', '撤回同意', // rights (个人信息保护法)
      '不满十四周岁', '您所在社区的工作人员',
    ]) {
      expect(html).toContain(text);
    }
    comp.querySelector('#contract').dispatchEvent('tap');
    await settle();
    expect(wx.openPrivacyContract).toHaveBeenCalled();
  });
});

describe("a family member's consent to give their ID card and health details", () => {
  const routes = (extra) => Object.assign({
    'POST /auth/login': loginRoute(me),
    'GET /communities': list([{ id: 7, name: '中埂社区' }]),
    'GET /communities/7/buildings': list([{ id: 70, community_id: 7, name: '1幢' }]),
  }, extra);

  test('an unticked consent blocks the submit with a readable message; ticked, the consent is sent', async () => {
    const calls = fakeServer(routes({ 'POST /persons': () => [201, { id: 11, guardianship: 'pending' }] }));
    const comp = page('family/form');
    comp.instance.onLoad({});
    await settle();
    expect(comp.querySelector('#consent-box').dom.innerHTML).toContain('我已获得TA的同意');
    await comp.instance.pickCommunity({ detail: { value: '0' } });
    const pick = (key, field, value) => comp.instance.pick({ currentTarget: { dataset: { key, field } }, detail: { value } });
    pick('buildingIndex', 'building_id', '0');
    pick('relationIndex', 'relation', '0');
    pick('careIndex', 'care_level', '2');
    const type = (field, value) => comp.instance.onInput({ currentTarget: { dataset: { field } }, detail: { value } });
    type('name', '王秀英');
    type('id_card', '330702194503050022');
    type('unit', '1单元');
    type('room', '102');

    comp.querySelector('#submit').dispatchEvent('tap');
    await settle();
    const modal = wx.showModal.mock.calls[0][0];
    expect(modal.title).toBe('需要先征得TA的同意');
    expect(modal.content).toContain('敏感个人信息');
    expect(modal.content).toContain('勾选');
    expect(comp.querySelector('#error-consent').dom.innerHTML).toContain('我已获得TA的同意');
    expect(calls.filter((c) => c.key === 'POST /persons')).toHaveLength(0);
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();

    comp.querySelector('#consent').dispatchEvent('tap');
    await settle();
    expect(comp.querySelector('#error-consent')).toBeUndefined();
    comp.querySelector('#submit').dispatchEvent('tap');
    await settle();
    expect(calls.find((c) => c.key === 'POST /persons').data).toMatchObject({ id_card: '330702194503050022', care_level: 'fully_dependent', consent: true });
  });

  test("editing: only a change to the ID card or health details needs it, and one's own record never", async () => {
    const record = (over) => () => [200, Object.assign({
      id: 11, community_id: 7, name: '王秀英', gender: 'female', birth_date: '1945-03-05', id_card: null, phone: null, building_id: 70,
      unit: '1单元', room: '102', living_alone: false, care_level: 'self_care', diet_notes: '', emergency_contacts: [], guardianship: 'approved',
    }, over)];
    const calls = fakeServer(routes({ 'GET /persons/11': record(), 'PATCH /persons/11': record(), 'GET /persons/3': record({ id: 3, guardianship: 'self' }), 'PATCH /persons/3': record() }));
    const comp = page('family/form');
    comp.instance.onLoad({ id: '11' });
    await settle();
    comp.instance.onInput({ currentTarget: { dataset: { field: 'room' } }, detail: { value: '103' } });
    await comp.instance.submit();
    expect(calls.filter((c) => c.key === 'PATCH /persons/11')).toHaveLength(1);
    expect(calls[calls.length - 1].data).not.toHaveProperty('consent');

    comp.instance.onInput({ currentTarget: { dataset: { field: 'diet_notes' } }, detail: { value: '糖尿病' } });
    await comp.instance.submit();
    expect(calls.filter((c) => c.key === 'PATCH /persons/11')).toHaveLength(1);
    expect(comp.data.errors.consent).toBeTruthy();
    comp.querySelector('#consent').dispatchEvent('tap');
    await settle();
    await comp.instance.submit();
    expect(calls.filter((c) => c.key === 'PATCH /persons/11')[1].data).toMatchObject({ diet_notes: '糖尿病', consent: true });

    const own = page('family/form');
    own.instance.onLoad({ id: '3' });
    await settle();
    expect(own.querySelector('#consent-box')).toBeUndefined();
    own.instance.onInput({ currentTarget: { dataset: { field: 'diet_notes' } }, detail: { value: '少盐' } });
    await own.instance.submit();
    expect(calls.find((c) => c.key === 'PATCH /persons/3').data).not.toHaveProperty('consent');
  });

  test("the family member's numbers can be deleted from their record", async () => {
    const person = {
      id: 11, community_id: 7, name: '王秀英', gender: 'female', birth_date: '1945-03-05', age: 81, id_card: '330702********0022',
      phone: '138****0001', building_id: 70, building_name: '1幢', unit: '1单元', room: '102', living_alone: true, care_level: 'self_care',
      diet_notes: '', emergency_contacts: [], verified: true, has_account: false, guardianship: 'approved', relation: 'parent', primary: true,
    };
    const calls = fakeServer({
      'GET /persons/11': () => [200, person],
      'GET /persons/11/guardians': list([{ user_id: 5, name: '王小明', relation: 'parent', status: 'approved', primary: true, created_at: '' }]),
      'PATCH /persons/11': () => [200, Object.assign({}, person, { id_card: null, phone: null, verified: false })],
    });
    const comp = page('family/detail');
    comp.instance.onLoad({ id: '11' });
    await comp.instance.load();
    comp.querySelector('#clear-numbers').dispatchEvent('tap');
    await settle();
    const modal = wx.showModal.mock.calls[0][0];
    expect(modal.content).toContain('身份证号和电话');
    expect(modal.content).toContain('重新核对身份');
    await modal.success({ confirm: true });
    await settle();
    expect(calls.find((c) => c.key === 'PATCH /persons/11').data).toEqual({ id_card: '', phone: '' });
  });
});

describe('refusals explained', () => {
  const reportRoutes = {
    'GET /report-categories': list([{ key: 'repair', name: '设施报修', level: 'major' }]),
    'GET /communities/7/buildings': list([{ id: 70, name: '1幢' }]),
    'GET /persons': list([{ id: 3, name: '王小明', guardianship: 'self', building_id: 70 }]),
  };
  // pickRefused opens the report form and taps 添加照片 with the picker failing as err says.
  async function pickRefused(err, comp) {
    if (!comp) {
      fakeServer(reportRoutes);
      comp = page('report/form');
      comp.instance.onShow();
      await settle();
    }
    wx.chooseMedia.mockImplementation(({ fail }) => fail(err));
    comp.querySelector('#add-photo').dispatchEvent('tap');
    await settle();
    return comp;
  }

  test('a photo pick the camera permission refused says so, and 去设置 opens the settings', async () => {
    const comp = await pickRefused({ errMsg: 'chooseMedia:fail auth deny', errno: 103 });
    const modal = wx.showModal.mock.calls[0][0];
    expect(modal.title).toBe('需要相机权限');
    expect(modal.content).toContain('所以没能选择照片');
    expect(modal.content).toContain('不加照片也可以提交');
    expect(modal.confirmText).toBe('去设置');
    modal.success({ confirm: true });
    expect(wx.openSetting).toHaveBeenCalled();
    expect(comp.data.photos).toEqual([]);
  });

  test('a photo pick refused by the privacy popup, or by the phone, says so; closing the picker says nothing', async () => {
    const comp = await pickRefused({ errMsg: 'chooseMedia:fail privacy permission is not authorized', errno: 104 });
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '您没有同意隐私政策', showCancel: false, confirmText: '知道了' });

    await pickRefused({ errMsg: 'chooseMedia:fail system permission denied' }, comp);
    const modal = wx.showModal.mock.calls[1][0];
    expect(modal.title).toBe('手机没有允许微信使用相机和照片');
    modal.success({ confirm: true });
    expect(wx.openAppAuthorizeSetting).toHaveBeenCalled();

    await pickRefused({ errMsg: 'chooseMedia:fail cancel' }, comp);
    expect(wx.showModal).toHaveBeenCalledTimes(2);
    wx.chooseMedia.mockReset();
  });

  test('a scan the camera permission refused says so and offers typing the code', async () => {
    fakeServer({ 'GET /admin/canteens/1/prep-list': () => [200, { date: '2026-12-01', canteen_id: 1, slots: [] }] });
    const comp = page('canteen/counter');
    comp.instance.onLoad({ canteen_id: '1' });
    comp.instance.onShow();
    await settle();
    wx.scanCode.mockImplementation(({ fail }) => fail({ errMsg: 'scanCode:fail auth deny' }));
    comp.querySelector('#scan').dispatchEvent('tap');
    await settle();
    const modal = wx.showModal.mock.calls[0][0];
    expect(modal.content).toContain('也可以直接输入 6 位取餐码');
    expect(modal.confirmText).toBe('去设置');
    wx.scanCode.mockReset();
  });

  test('a refused phone number is said, the phone being optional', async () => {
    const comp = page('mine');
    await comp.instance.onPhone({ detail: { errMsg: 'getPhoneNumber:fail user deny' } });
    const modal = wx.showModal.mock.calls[0][0];
    expect(modal.title).toBe('没有获取微信手机号');
    expect(modal.content).toContain('手机号是选填的');
    expect(modal.showCancel).toBe(false);
  });

  test('a call the phone did not place says which number to dial', () => {
    wx.makePhoneCall.mockImplementation(({ fail }) => fail({ errMsg: 'makePhoneCall:fail' }));
    denied.call('13857900001');
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '没能拨出电话', content: '请直接用手机拨打 13857900001。' });
    wx.makePhoneCall.mockImplementation(({ fail }) => fail({ errMsg: 'makePhoneCall:fail cancel' }));
    denied.call('120');
    expect(wx.showModal).toHaveBeenCalledTimes(1);
    wx.makePhoneCall.mockReset();
  });

  test('location refusals name the right setting', () => {
    expect(denied.message('location', { errMsg: 'getLocation:fail auth deny' })).toMatchObject({ title: '需要位置信息权限', open: 'mp' });
    const off = denied.message('location', { errMsg: 'getLocation:fail:ERROR_NOCELL&WIFI_LOCATIONSWITCHOFF' });
    expect(off.content).toContain('定位服务');
    expect(off.open).toBe('app');
    expect(denied.message('location', { errMsg: 'chooseLocation:fail cancel' })).toBeNull();
    expect(denied.reasonOf({ errMsg: 'getLocation:fail privacy permission is not authorized' })).toBe('privacy');
  });
});
