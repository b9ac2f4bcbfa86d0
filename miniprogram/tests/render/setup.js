// What TDesign's components read from the wx global and the app, for the rendering check: a
// 375 px wide phone.
const phone = { windowWidth: 375, windowHeight: 812, screenWidth: 375, screenHeight: 812, pixelRatio: 2, statusBarHeight: 44, platform: 'ios', system: 'iOS 17', SDKVersion: '3.6.0', version: '8.0.50', theme: 'light' };
Object.assign(global.wx, {
  getSystemInfoSync: () => phone,
  getWindowInfo: () => phone,
  getDeviceInfo: () => phone,
  getAppBaseInfo: () => phone,
  nextTick: (fn) => setTimeout(fn, 0),
  canvasToTempFilePath: () => {},
  saveImageToPhotosAlbum: () => {},
});
global.getApp = () => ({ globalData: {} });
