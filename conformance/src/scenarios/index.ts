/** Every scenario, in matrix row order. */
import type { Scenario } from '../scenario.js';
import { lateChannel, preNegotiated, remoteOffers, renegotiateRemote, renegotiateSubject, subjectOffers } from './connect.js';
import { binarySizes, oneMebibyte, ordered1000, stringSizes } from './messages.js';
import { closeFromRemote, closeFromSubject, manyFromRemote, manyFromSubject, prParamsFarSide, prParamsNearSide, utf8Labels } from './channels.js';
import { bufferedAmountLow, roundTrip } from './performance.js';
import { closeByRemote, closeBySubject } from './teardown.js';
import { trickle } from './trickle.js';

export const SCENARIOS: Scenario[] = [
  subjectOffers, remoteOffers, trickle, preNegotiated,
  stringSizes, binarySizes, oneMebibyte, ordered1000,
  prParamsFarSide, prParamsNearSide, utf8Labels,
  manyFromSubject, manyFromRemote,
  closeFromSubject, closeFromRemote,
  bufferedAmountLow, closeBySubject, closeByRemote,
  lateChannel, renegotiateSubject, renegotiateRemote,
  roundTrip,
];
