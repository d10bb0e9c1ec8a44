"""Options several ``g287`` commands share, spelled and explained once."""

from __future__ import annotations

from typing import Annotated

import typer

AsOf = Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: newest list).")]
State = Annotated[str | None, typer.Option("--state", help="State code (FL) or name (Florida).")]
Agency = Annotated[str, typer.Argument(help="Agency id or (part of) its name.")]
Model = Annotated[str | None, typer.Option("--model", help="JEM, TFM or WSO.")]
