"""MOA text: what each 287(g) agreement says, its terms, and how it departs from ICE's template for its model."""
