"""The cleaning core: units, their features and the learned article/boilerplate decision."""
