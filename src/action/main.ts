import * as core from '@actions/core';

// Placeholder replaced by the GitHub Action work (issue 4).
core.setFailed('peak-to-sigma action: not implemented yet');
