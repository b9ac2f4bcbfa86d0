// 关怀模式: large text and large touch targets for elders, remembered on the phone.
const KEY = 'linli.careMode';

function isOn() {
  return wx.getStorageSync(KEY) === true;
}

function set(on) {
  wx.setStorageSync(KEY, !!on);
}

module.exports = { isOn, set };
