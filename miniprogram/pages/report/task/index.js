// 我的任务 (grid workers, volunteers, staff): reports assigned to me by status, and for
// volunteers the minor ones anyone may claim; a task opens whole on its own page (photos, place,
// timeline, a call to the reporter). The steps (accept, claim, resolve, return) are the task
// behaviour's. The "接收派单提醒" switch shows whether WeChat will tell the worker of a new task,
// and turning it on asks consent; each 接单 asks again while a one-time consent runs low.
const pageBehavior = require('../../../behaviors/page');
const paged = require('../../../behaviors/paged');
const taskBehavior = require('../../../behaviors/task');
const session = require('../../../utils/session');
const subscribe = require('../../../utils/subscribe');
const words = require('../../../utils/report');

const TURN_OFF = '派单提醒要在微信里关闭：点右上角“…” → 设置 → 通知管理。关闭后，新派单仍会显示在“我的任务”里。';

const TABS = [
  { key: 'assigned', label: '待接单' },
  { key: 'accepted', label: '处理中' },
  { key: 'resolved', label: '已处理' },
  { key: 'open', label: '可认领' },
];

Component({
  behaviors: [pageBehavior, paged, taskBehavior],
  data: {
    tabs: TABS,
    tab: 0,
  },
  methods: {
    decorate: words.task,
    onShow() {
      this.showReminder();
      subscribe.load().then(() => this.showReminder());
      // The counts change as pushes are sent: read them again.
      session.refreshUser().then(() => this.showReminder(), () => {});
      this.refresh();
    },
    // toggleReminder: on asks consent (straight from the tap, as WeChat requires); off cannot be
    // done from here, so it says where.
    async toggleReminder(e) {
      if (!(e && e.detail && e.detail.value)) {
        wx.showModal({ title: '关闭派单提醒', content: TURN_OFF, showCancel: false, confirmText: '知道了' });
        return;
      }
      const consent = subscribe.ask(['report_assigned'], { always: true });
      const answer = await consent;
      await answer.saved;
      this.showReminder();
      if (answer.accepted.length) {
        wx.showToast({ title: '已开启派单提醒', icon: 'success' });
      }
    },
    pickTab(e) {
      this.setData({ tab: Number(e.currentTarget.dataset.index) });
      this.load();
    },
    listURL() {
      const key = TABS[this.data.tab].key;
      return key === 'open' ? '/worker/open-tasks?limit=20' : '/worker/tasks?limit=20&status=' + key;
    },
    open(e) {
      wx.navigateTo({ url: '/pages/report/task/detail/index?id=' + e.currentTarget.dataset.id });
    },
  },
});
