// The reconciler's name for the provider's did-you-mean helper.
export { didYouMean as closestMatch } from '../../provider/validate/did-you-mean';
