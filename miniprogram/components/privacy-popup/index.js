// The app's own privacy agreement popup, on every page (declared app-wide): utils/privacy.js
// decides when the popup of the page in front shows. 同意 is WeChat's agreement button (it records
// the agreement, then the waiting API goes on); 拒绝 lets the waiting API fail, and the page that
// called it says why and that the user may agree next time.
const privacy = require('../../utils/privacy');
const care = require('../../utils/care');

// What the waiting API or component was about to do, by WeChat's eventInfo.referrer.
const PURPOSES = [
  [/chooseMedia|chooseImage|chooseVideo|camera/i, '选择或拍摄照片'],
  [/chooseLocation|getLocation|Location/i, '使用您的位置'],
  [/PhoneNumber/i, '获取您的微信手机号'],
  [/scanCode/i, '扫码'],
];

function purposeOf(referrer) {
  const found = PURPOSES.find(([re]) => re.test(referrer || ''));
  return found ? found[1] : '';
}

Component({
  data: { show: false, purpose: '', care: false, agreeID: privacy.AGREE_BUTTON },
  lifetimes: {
    attached() {
      privacy.attach(this);
    },
    detached() {
      privacy.detach(this);
    },
  },
  pageLifetimes: {
    show() {
      privacy.front(this);
    },
  },
  methods: {
    // toggle is called by utils/privacy.js.
    toggle(show, referrer) {
      const purpose = show ? purposeOf(referrer) : '';
      if (show !== this.data.show || purpose !== this.data.purpose) {
        // 关怀模式 as the pages have it, read when the popup shows.
        this.setData({ show, purpose, care: show && care.isOn() });
      }
    },
    openPolicy() {
      wx.navigateTo({ url: '/pages/privacy/index' });
    },
    onAgree() {
      privacy.agree();
    },
    onDisagree() {
      if (privacy.disagree() === 0) {
        // Nothing was waiting (the popup came at first use): browsing goes on as before.
        wx.showToast({ title: '可以继续浏览，用到时会再问您', icon: 'none', duration: 2500 });
      }
    },
    // The mask takes the touches, so the page underneath does not scroll or react.
    stay() {},
  },
});
