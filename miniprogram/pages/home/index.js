// 首页: the greeting, the community shown (a visitor chooses theirs first, and can switch), today's
// menu of its canteen, and the way into each feature. Read again each time it shows.
const pageBehavior = require('../../behaviors/page');
const refreshBehavior = require('../../behaviors/refresh');
const browsing = require('../../behaviors/browsing');
const api = require('../../utils/api');
const session = require('../../utils/session');
const community = require('../../utils/community');
const words = require('../../utils/canteen');

Component({
  behaviors: [pageBehavior, refreshBehavior, browsing],
  data: {
    greeting: '您好',
    loading: true,
    failed: false,
    communityName: '',
    canteenName: '',
    meals: [],
    entries: [
      { url: '/pages/canteen/index', title: '邻里食堂', desc: '看菜单、为自己或家里老人订餐' },
      { url: '/pages/report/index', title: '有事找小哥', desc: '楼道灯坏了、漏水了，告诉网格员' },
      { url: '/pages/course/index', title: '家长大学', desc: '亲子、成长、安全等课程，在线报名' },
      { url: '/pages/mine/index', title: '我的', desc: '资料、家人、关怀模式' },
    ],
  },
  methods: {
    onShow() {
      const u = session.user();
      this.setData({ greeting: u && u.name ? u.name + '，您好' : '您好' });
      this.refresh();
    },
    load() {
      return this.again(async () => {
        const cid = await community.browsed(this);
        if (!cid) {
          this.setData({ communityName: '', canteenName: '', meals: [] });
          return;
        }
        const [name, canteens] = await Promise.all([
          community.nameOf(cid),
          api.get('/canteens?community_id=' + cid, { auth: false, silent: true }),
        ]);
        const canteen = canteens.items[0];
        let meals = [];
        if (canteen) {
          const today = words.shanghaiDate();
          const slots = await api.get('/canteens/' + canteen.id + '/slots', { auth: false, silent: true });
          meals = slots.items.filter((s) => s.date === today && !s.closed).map((s) => ({
            id: s.id,
            text: words.MEALS[s.meal] + '：' + s.dishes.map((d) => d.name).join('、'),
          }));
        }
        this.setData({ communityName: name, canteenName: canteen ? canteen.name : '', meals });
      });
    },
    goTab(e) {
      wx.switchTab({ url: e.currentTarget.dataset.url });
    },
    goCanteen() {
      wx.switchTab({ url: '/pages/canteen/index' });
    },
  },
});
