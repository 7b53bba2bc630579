not a pickle
