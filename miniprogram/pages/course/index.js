const pageBehavior = require('../../behaviors/page');

Component({
  behaviors: [pageBehavior],
  data: {},
});
