"""One router per resource: the JSON API, agencies, states, counties, search, feeds and the other pages."""
