const pageBehavior = require('../../behaviors/page');
const session = require('../../utils/session');

Component({
  behaviors: [pageBehavior],
  data: {
    greeting: '您好',
    entries: [
      { url: '/pages/canteen/index', title: '邻里食堂', desc: '看菜单、为自己或家里老人订餐' },
      { url: '/pages/report/index', title: '有事找小哥', desc: '楼道灯坏了、漏水了，告诉网格员' },
      { url: '/pages/course/index', title: '家长课堂', desc: '家长大学的课程与报名' },
      { url: '/pages/mine/index', title: '我的', desc: '资料、家人、关怀模式' },
    ],
  },
  methods: {
    onShow() {
      const u = session.user();
      this.setData({ greeting: u && u.name ? u.name + '，您好' : '您好' });
    },
    goTab(e) {
      wx.switchTab({ url: e.currentTarget.dataset.url });
    },
  },
});
