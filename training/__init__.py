"""Building and measuring the judge's model: ``make model`` (train.py) and ``make evaluate`` (evaluate.py).

Not part of the installed package; needs the ``train`` extra (scikit-learn).
"""
