"""County briefs: a printable, sourced brief in English and Spanish for anyone deciding on 287(g) (docs/briefs.md)."""
