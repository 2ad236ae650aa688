// The HCL the Terraform end-to-end test applies through meshplane's App Mesh API: all seven kinds
// with their main features. `serverA`/`serverB` are the route's weights (the update step moves them); `legacy` adds
// the block for a virtual node made in Git (the import step).
export function meshHcl(options: { serverA: number; serverB: number; legacy?: boolean }): string {
  const legacy = options.legacy
    ? `
resource "aws_appmesh_virtual_node" "legacy" {
  name      = "legacy"
  mesh_name = aws_appmesh_mesh.tf.id
  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "http"
      }
    }
    service_discovery {
      dns {
        hostname = "legacy.tf.local"
      }
    }
  }
}
`
    : '';
  return `
resource "aws_appmesh_mesh" "tf" {
  name = "tf"
  spec {
    egress_filter {
      type = "ALLOW_ALL"
    }
  }
  tags = {
    team = "payments"
  }
}

resource "aws_appmesh_virtual_node" "server_a" {
  name      = "server-a"
  mesh_name = aws_appmesh_mesh.tf.id
  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "http2"
      }
      outlier_detection {
        max_server_errors    = 5
        max_ejection_percent = 50
        base_ejection_duration {
          unit  = "s"
          value = 10
        }
        interval {
          unit  = "s"
          value = 10
        }
      }
      timeout {
        http2 {
          per_request {
            unit  = "s"
            value = 15
          }
        }
      }
    }
    service_discovery {
      dns {
        hostname = "server-a.tf.local"
      }
    }
  }
  tags = {
    tier = "backend"
  }
}

resource "aws_appmesh_virtual_node" "server_b" {
  name      = "server-b"
  mesh_name = aws_appmesh_mesh.tf.id
  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "http2"
      }
    }
    service_discovery {
      aws_cloud_map {
        namespace_name = "tf.local"
        service_name   = "server-b"
      }
    }
  }
}

resource "aws_appmesh_virtual_router" "svc" {
  name      = "svc"
  mesh_name = aws_appmesh_mesh.tf.id
  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "http2"
      }
    }
  }
}

resource "aws_appmesh_route" "svc" {
  name                = "svc"
  mesh_name           = aws_appmesh_mesh.tf.id
  virtual_router_name = aws_appmesh_virtual_router.svc.name
  spec {
    http2_route {
      match {
        prefix = "/"
      }
      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.server_a.name
          weight       = ${options.serverA}
        }
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.server_b.name
          weight       = ${options.serverB}
        }
      }
      retry_policy {
        http_retry_events = ["server-error"]
        max_retries       = 2
        per_retry_timeout {
          unit  = "s"
          value = 5
        }
      }
      timeout {
        per_request {
          unit  = "s"
          value = 30
        }
      }
    }
  }
}

resource "aws_appmesh_virtual_service" "svc" {
  name      = "svc.tf.local"
  mesh_name = aws_appmesh_mesh.tf.id
  spec {
    provider {
      virtual_router {
        virtual_router_name = aws_appmesh_virtual_router.svc.name
      }
    }
  }
}

resource "aws_appmesh_virtual_node" "client" {
  name      = "client"
  mesh_name = aws_appmesh_mesh.tf.id
  spec {
    backend {
      virtual_service {
        virtual_service_name = aws_appmesh_virtual_service.svc.name
      }
    }
  }
}

resource "aws_appmesh_virtual_gateway" "gw" {
  name      = "gw"
  mesh_name = aws_appmesh_mesh.tf.id
  spec {
    listener {
      port_mapping {
        port     = 9443
        protocol = "http2"
      }
      tls {
        mode = "STRICT"
        certificate {
          file {
            certificate_chain = "/certs/gw.pem"
            private_key       = "/certs/gw.key"
          }
        }
      }
    }
    backend_defaults {
      client_policy {
        tls {
          enforce = true
          validation {
            trust {
              file {
                certificate_chain = "/certs/ca.pem"
              }
            }
          }
        }
      }
    }
  }
}

resource "aws_appmesh_gateway_route" "gr" {
  name                 = "gr"
  mesh_name            = aws_appmesh_mesh.tf.id
  virtual_gateway_name = aws_appmesh_virtual_gateway.gw.name
  spec {
    http2_route {
      match {
        prefix = "/svc/"
      }
      action {
        target {
          virtual_service {
            virtual_service_name = aws_appmesh_virtual_service.svc.name
          }
        }
        rewrite {
          prefix {
            value = "/"
          }
        }
      }
    }
  }
}
${legacy}`;
}
