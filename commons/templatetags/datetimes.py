"""`{{ value|html_datetime }}`: the one way templates write a `<time datetime>` value."""

from django import template

from commons.html import html_datetime

register = template.Library()
register.filter("html_datetime", html_datetime)
