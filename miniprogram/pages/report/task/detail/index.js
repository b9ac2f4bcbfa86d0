// A task whole, as the worker opens it from 我的任务 or from the message that assigned it: the
// photos, the place (with the map when a point was picked), the reporter to call unless the
// report is anonymous (the server gives the assignee the number in full, and audits the read),
// the timeline, and the worker's steps.
const pageBehavior = require('../../../../behaviors/page');
const taskBehavior = require('../../../../behaviors/task');
const api = require('../../../../utils/api');
const denied = require('../../../../utils/denied');
const session = require('../../../../utils/session');
const subscribe = require('../../../../utils/subscribe');
const words = require('../../../../utils/report');

// callable tells a whole number from a masked one (138****0000), which cannot be dialled.
function callable(phone) {
  return !!phone && phone.indexOf('*') < 0;
}

Component({
  behaviors: [pageBehavior, taskBehavior],
  data: {
    id: 0,
    loading: true,
    failed: false,
    task: null,
    mine: false,
    canClaim: false,
  },
  methods: {
    onLoad(query) {
      this.setData({ id: Number((query && query.id) || 0) });
      subscribe.load().then(() => this.showReminder());
    },
    onShow() {
      this.showReminder();
      this.load();
    },
    load() {
      return this.loadWith(async () => {
        const r = await api.get('/worker/tasks/' + this.data.id, { silent: true });
        const u = session.user();
        const mine = !!u && r.assignee_user_id === u.id;
        this.setData({
          task: Object.assign(words.task(r), { steps: words.steps(r), callable: !r.anonymous && callable(r.reporter_phone) }),
          mine,
          canClaim: !mine && r.level === 'minor' && (r.status === 'submitted' || r.status === 'assigned'),
        });
      });
    },
    call() {
      const t = this.data.task;
      if (t && t.callable) {
        denied.call(t.reporter_phone);
      }
    },
    openMap() {
      words.openMap(this.data.task);
    },
    preview(e) {
      wx.previewImage({ urls: this.data.task.photos.map((p) => p.url), current: e.currentTarget.dataset.url });
    },
  },
});
