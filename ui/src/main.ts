import "./style.css";
import { boot } from "./boot";

void boot(document.getElementById("app")!);
