// scratchnet lab — State shared by the tabs.

export const state = {
  config: null, // GET /api/config
  options: null, // GET /api/options, in the page's language: the Train form
  runs: [], // GET /api/runs
  live: null, // the run followed in the live chart
  selected: [], // run ids overlaid, in the order they were ticked
  details: new Map(), // run id → GET /api/runs/{id}, for the overlay
  experiments: [], // GET /api/experiments
  predictions: null, // POST /api/predict
  image: null, // {kind: 'drawing'|'test', pixels, index, label}
  unasked: new Set(), // runs the learner unticked in Predict
};
