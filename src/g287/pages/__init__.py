"""The site's pages without HTTP: the models the templates format (:mod:`~g287.pages.models`), what each page
shows (:mod:`~g287.pages.agencies`, :mod:`~g287.pages.counties`, :mod:`~g287.pages.states`,
:mod:`~g287.pages.program`, :mod:`~g287.pages.search`), its charts, where pages are (:mod:`~g287.pages.urls`)
and a page rendered in a language (:mod:`~g287.pages.render`). The web routes and the static site
(``g287 publish``) both build their pages here."""
