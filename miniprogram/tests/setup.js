// A stand-in for the wx global: in-memory storage, wx.login giving a fresh code, and wx.request
// answered by global.server (set per test by tests/helpers.js).
const storage = new Map();
let codes = 0;

global.wx = {
  getStorageSync: jest.fn((k) => (storage.has(k) ? storage.get(k) : '')),
  setStorageSync: jest.fn((k, v) => storage.set(k, v)),
  removeStorageSync: jest.fn((k) => storage.delete(k)),
  clearStorageSync: jest.fn(() => storage.clear()),
  login: jest.fn(({ success }) => {
    codes += 1;
    success({ code: 'code-' + codes });
  }),
  request: jest.fn((opts) => {
    setTimeout(() => {
      if (!global.server) {
        opts.fail({ errMsg: 'request:fail' });
        return;
      }
      const res = global.server(opts);
      if (res === 'network') {
        opts.fail({ errMsg: 'request:fail' });
      } else {
        opts.success(res);
      }
    }, 0);
  }),
  showToast: jest.fn(),
  showLoading: jest.fn(),
  hideLoading: jest.fn(),
  showModal: jest.fn(),
  navigateTo: jest.fn(),
  setNavigationBarTitle: jest.fn(),
  navigateBack: jest.fn(),
  switchTab: jest.fn(),
  makePhoneCall: jest.fn(),
  redirectTo: jest.fn(),
  scanCode: jest.fn(),
  chooseMedia: jest.fn(),
  uploadFile: jest.fn(),
  requestSubscribeMessage: jest.fn(),
  previewImage: jest.fn(),
  setTabBarBadge: jest.fn(),
  removeTabBarBadge: jest.fn(),
  stopPullDownRefresh: jest.fn(),
};

// WeChat's privacy agreement (utils/privacy.js) and the settings a refusal points to
// (utils/denied.js): called, never answered unless a test says how.
Object.assign(global.wx, {
  onNeedPrivacyAuthorization: jest.fn(),
  getPrivacySetting: jest.fn(),
  openPrivacyContract: jest.fn(),
  openSetting: jest.fn(),
  openAppAuthorizeSetting: jest.fn(),
  getLocation: jest.fn(),
  chooseLocation: jest.fn(),
});

global.resetWx = () => {
  storage.clear();
  Object.values(global.wx).forEach((fn) => fn.mockClear && fn.mockClear());
  global.server = null;
};
